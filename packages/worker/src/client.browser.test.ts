import { engineClientSuite, runawaySuite } from './testing/client-suite.js';

engineClientSuite('web');
runawaySuite('web');
engineClientSuite('in-thread');
