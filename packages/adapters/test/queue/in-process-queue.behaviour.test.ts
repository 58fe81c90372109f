import { createInProcessQueue } from '../../src/queue/index.js';
import { describeJobQueueBehaviour } from './behaviour.js';

describeJobQueueBehaviour('in-process', async ({ clock }) => createInProcessQueue(clock ? { clock } : {}));
