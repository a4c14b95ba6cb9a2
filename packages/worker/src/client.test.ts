import { engineClientSuite, runawaySuite } from './testing/client-suite.js';
import { descentSuite, runawayDescentSuite } from './testing/descent-suite.js';

engineClientSuite('node');
runawaySuite('node');
descentSuite('node');
runawayDescentSuite('node');
engineClientSuite('in-thread');
descentSuite('in-thread');
