import { engineClientSuite, runawaySuite } from './testing/client-suite.js';

engineClientSuite('node');
runawaySuite('node');
engineClientSuite('in-thread');
