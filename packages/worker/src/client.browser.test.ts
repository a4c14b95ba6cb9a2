import { engineClientSuite, runawaySuite } from './testing/client-suite.js';
import { descentSuite, runawayDescentSuite } from './testing/descent-suite.js';

engineClientSuite('web');
runawaySuite('web');
descentSuite('web');
runawayDescentSuite('web');
engineClientSuite('in-thread');
descentSuite('in-thread');
