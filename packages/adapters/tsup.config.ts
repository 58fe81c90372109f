import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    'memory/index': 'src/memory/index.ts',
    'sqlite/index': 'src/sqlite/index.ts',
    'postgres/index': 'src/postgres/index.ts',
    'sftp/index': 'src/sftp/index.ts',
    'queue/index': 'src/queue/index.ts',
    'pg-boss/index': 'src/queue/pg-boss/index.ts',
    'local/index': 'src/local/index.ts',
    'asterisk/index': 'src/asterisk/index.ts',
    'twilio/index': 'src/twilio/index.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
