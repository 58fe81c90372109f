import { once } from 'node:events';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { isOutpaceError } from '@outpace/core';
import { Command, CommanderError, Option } from 'commander';
import type { Backend, ImportSummary, ListKind } from './backend.js';
import { CliError, EXIT_FAILED, EXIT_USAGE } from './errors.js';
import { formatCheck, formatImport } from './format.js';
import { openHttpBackend } from './http.js';
import { openLocalBackend } from './local.js';
import { delimiter, instant, jsonValue, localDateTime, numberIn, oneOf, timeZone } from './parse.js';
import { createImportProgress } from './progress.js';
import { formatSimulation, runSimulation } from './simulate.js';

/** Where the CLI reads its environment and writes. */
export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: Record<string, string | undefined>;
}

interface GlobalOptions {
  server?: string;
  dataDir?: string;
  tenant?: string;
  json?: boolean;
}

const CONTACT_MODES = ['CREATE', 'APPEND_ONLY', 'APPEND_AND_UPDATE', 'FLUSH_APPEND'] as const;
const PACING_MODES = ['preview', 'progressive', 'power', 'predictive'] as const;
const DIAL_MODES = ['preview', 'progressive', 'power', 'predictive', 'manual'] as const;

async function withBackend<T>(io: CliIo, g: GlobalOptions, run: (backend: Backend) => Promise<T>): Promise<T> {
  let backend: Backend;
  if (g.server !== undefined) {
    if (g.dataDir !== undefined || g.tenant !== undefined) {
      throw new CliError(
        `--${g.dataDir !== undefined ? 'data-dir' : 'tenant'} applies to the local data folder, not to --server (the API key decides the tenant); drop one of them.`,
        EXIT_USAGE,
      );
    }
    backend = openHttpBackend({ url: g.server, apiKey: io.env.OUTPACE_API_KEY });
  } else {
    backend = await openLocalBackend({
      dataDir: g.dataDir,
      tenant: g.tenant,
      env: io.env,
      notice: (line) => io.stderr.write(`${line}\n`),
    });
  }
  try {
    return await run(backend);
  } finally {
    await backend.close();
  }
}

/** A writer to `--out FILE` (or stdout), with backpressure. */
function output(io: CliIo, file: string | undefined) {
  const stream = file === undefined ? io.stdout : createWriteStream(file);
  return {
    async write(chunk: string) {
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
    async end() {
      if (file !== undefined)
        await new Promise<void>((resolve, reject) =>
          stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
        );
    },
  };
}

function requireFile(file: string): void {
  if (!existsSync(file)) {
    throw new CliError(
      `File "${file}" does not exist; give the path of a CSV, text, fixed-width, XLSX, .gz or .zip file.`,
      EXIT_USAGE,
    );
  }
  if (!statSync(file).isFile())
    throw new CliError(`"${file}" is not a file; give the path of the file to import.`, EXIT_USAGE);
}

/** Builds the `outpace` command line. */
export function createProgram(io: CliIo, outcome: { exitCode: number } = { exitCode: 0 }): Command {
  const program = new Command('outpace')
    .description(
      'Outpace from a terminal: import and export contact and suppression lists, check an attempt against compliance, simulate a campaign.\n' +
        'Works on the local data folder with the packages (as the server would), or on a running server with --server and OUTPACE_API_KEY.',
    )
    .option(
      '--server <url>',
      'talk to a running server (e.g. http://localhost:3000); the API key comes from OUTPACE_API_KEY',
    )
    .option(
      '--data-dir <dir>',
      'local data folder (default: OUTPACE_DATA_DIR, else ./data); DATABASE_URL switches to PostgreSQL as for the server',
    )
    .option('--tenant <id-or-name>', 'local data folder: the tenant to act for (default: the only one)')
    .option('--json', 'print results as JSON')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(run the command with --help for its options)')
    .exitOverride();
  const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions;

  program
    .command('import')
    .description(
      'import a file into a new or existing contact list (or suppression list with --suppression), with a progress bar',
    )
    .argument(
      '<file>',
      'the file: CSV/TXT (any delimiter), fixed-width with a spec file, XLSX, or any of them in .gz/.zip',
    )
    .option(
      '--suppression',
      'import into a suppression list (one phone, email or ClientID per line, or a contact file)',
    )
    .option('--list <id>', 'append to this list (default: create a new list)')
    .option('--name <name>', 'name of the new list (default: the file name)')
    .addOption(
      new Option('--mode <mode>', 'upload mode (default: CREATE without --list, APPEND_ONLY with it)').argParser(
        oneOf(CONTACT_MODES),
      ),
    )
    .option('--spec-file <id>', 'a stored specification file mapping the columns')
    .option('--mapping <id>', 'a stored data mapping')
    .option('--encoding <name>', 'auto, utf-8, iso-8859-1, windows-1252, utf-16le or utf-16be (default: auto)')
    .option('--delimiter <char>', 'field separator (default: detected)')
    .option(
      '--error-limit <n>',
      'abort, storing nothing, after this many rejected lines',
      numberIn(1, 1e9, '--error-limit 100', true),
    )
    .addOption(
      new Option('--type <type>', 'suppression list type (new list)').argParser(oneOf(['device', 'clientId'] as const)),
    )
    .option('--channels <list>', 'suppression channels, comma-separated (new list; default voice)')
    .option('--dry-run', 'validate and count only; store nothing')
    .option('--rejects <file>', 'write the rejected lines, exactly as read, to this file (to fix and import again)')
    .option('--no-progress', 'do not draw the progress bar')
    .action(async (file: string, o, cmd: Command) => {
      const g = globals(cmd);
      requireFile(file);
      const kind: ListKind = o.suppression ? 'suppression' : 'contacts';
      if (kind === 'suppression' && o.mode === 'APPEND_AND_UPDATE') {
        throw new CliError(
          '--mode APPEND_AND_UPDATE does not apply to suppression lists; use CREATE, APPEND_ONLY or FLUSH_APPEND.',
          EXIT_USAGE,
        );
      }
      if (kind === 'contacts' && (o.type !== undefined || o.channels !== undefined)) {
        throw new CliError(
          `--${o.type !== undefined ? 'type' : 'channels'} applies to suppression lists; add --suppression or drop it.`,
          EXIT_USAGE,
        );
      }
      const options: Record<string, string | boolean | number> = {};
      const set = (key: string, value: string | boolean | number | undefined) => {
        if (value !== undefined) options[key] = value;
      };
      set('uploadMode', o.mode);
      set('name', o.name);
      set('specFileId', o.specFile);
      set('dataMappingId', o.mapping);
      set('encoding', o.encoding);
      set('delimiter', o.delimiter);
      set('errorLimit', o.errorLimit);
      set('type', o.type);
      set('channels', o.channels);
      if (o.dryRun) options.dryRun = true;
      const summary = await withBackend(io, g, async (backend) => {
        const draw = o.progress !== false && g.json !== true && io.stderr.isTTY === true;
        const result: ImportSummary = await backend.importFile(
          { kind, file, listId: o.list, options },
          createImportProgress(`importing ${file}`, io.stderr, draw),
        );
        let rejectsWritten: number | undefined;
        if (!result.dryRun && o.rejects !== undefined && result.job.rejectedLines > 0) {
          const out = output(io, o.rejects);
          rejectsWritten = await backend.writeRejects(result.job.id, out.write);
          await out.end();
        }
        return { result, rejectsWritten };
      });
      if (g.json)
        io.stdout.write(
          `${JSON.stringify(summary.result.dryRun ? summary.result.result : summary.result.job, null, 2)}\n`,
        );
      else io.stdout.write(formatImport(file, kind, summary.result, o.rejects, summary.rejectsWritten));
      if (!summary.result.dryRun && summary.result.job.state !== 'completed') outcome.exitCode = EXIT_FAILED;
    });

  program
    .command('export')
    .description('export a contact list (optionally only a selection) or a suppression list as CSV')
    .argument('<list-id>', 'the list (see "outpace lists")')
    .option('--suppression', 'the id is a suppression list')
    .option('--selection-rule <id>', 'only the contacts this selection rule selects')
    .option('--selection <json>', 'only the contacts this inline selection selects (JSON, as in the API)', jsonValue)
    .option('--delimiter <name>', 'comma, semicolon, tab or pipe (default: comma)', delimiter)
    .option('--no-device-details', "leave out each device's type, country, region and time zone")
    .option('--out <file>', 'write to this file (default: standard output)')
    .action(async (listId: string, o, cmd: Command) => {
      const g = globals(cmd);
      const kind: ListKind = o.suppression ? 'suppression' : 'contacts';
      if (o.selectionRule !== undefined && o.selection !== undefined) {
        throw new CliError('Give --selection-rule or --selection, not both.', EXIT_USAGE);
      }
      if (kind === 'suppression' && (o.selectionRule !== undefined || o.selection !== undefined)) {
        throw new CliError('Selections apply to contact lists; drop --suppression or the selection.', EXIT_USAGE);
      }
      await withBackend(io, g, async (backend) => {
        const out = output(io, o.out);
        await backend.exportList(
          {
            kind,
            listId,
            selectionRuleId: o.selectionRule,
            selection: o.selection,
            delimiter: o.delimiter,
            ...(kind === 'contacts' && o.deviceDetails === false ? { deviceDetails: false } : {}),
          },
          out.write,
        );
        await out.end();
        if (o.out !== undefined)
          io.stderr.write(`Exported ${kind === 'contacts' ? 'contact' : 'suppression'} list ${listId} to ${o.out}.\n`);
      });
    });

  program
    .command('check')
    .description(
      "check one attempt against the tenant's compliance rules: the decision, every reason and the next allowed time",
    )
    .argument('<phone>', "the number to dial, in any format (national numbers use the tenant's default country)")
    .option('--postal-code <code>', "the contact's postal code")
    .option('--state <code>', "the contact's state or province (FL)")
    .option('--country <iso>', "the contact's country (US)")
    .option('--client-id <id>', "the contact's ClientID (ClientID suppression lists)")
    .option('--at <instant>', 'the instant of the call: ISO 8601 with a zone, epoch ms, or now (default: now)', instant)
    .option('--local <date-time>', 'or a wall-clock time YYYY-MM-DDTHH:MM in --zone', localDateTime)
    .option('--zone <iana>', 'the zone of --local (America/New_York)', timeZone)
    .addOption(new Option('--mode <mode>', 'dial mode (default predictive)').argParser(oneOf(DIAL_MODES)))
    .action(async (phone: string, o, cmd: Command) => {
      const g = globals(cmd);
      if (o.at !== undefined && o.local !== undefined)
        throw new CliError('Give --at or --local, not both.', EXIT_USAGE);
      if ((o.local === undefined) !== (o.zone === undefined)) {
        throw new CliError(
          '--local and --zone go together: --local 2026-06-10T20:30 --zone America/New_York.',
          EXIT_USAGE,
        );
      }
      const input: Record<string, unknown> = { phone };
      if (o.postalCode !== undefined) input.postalCode = o.postalCode;
      if (o.state !== undefined) input.state = o.state;
      if (o.country !== undefined) input.country = o.country;
      if (o.clientId !== undefined) input.clientId = o.clientId;
      if (o.at !== undefined) input.at = o.at;
      if (o.local !== undefined) input.local = { dateTime: o.local, timeZone: o.zone };
      if (o.mode !== undefined) input.mode = o.mode;
      const decision = await withBackend(io, g, (backend) => backend.check(input));
      io.stdout.write(g.json ? `${JSON.stringify(decision, null, 2)}\n` : formatCheck(decision));
    });

  program
    .command('simulate')
    .description(
      "simulate a campaign group with the dialer's seeded simulator: occupancy, abandonment and calls (runs locally)",
    )
    .addOption(new Option('--mode <mode>', 'pacing mode').argParser(oneOf(PACING_MODES)).default('predictive'))
    .option('--agents <n>', 'agents logged in', numberIn(1, 10_000, '--agents 20', true), 20)
    .option('--hours <h>', 'simulated hours after the warm-up', numberIn(0.01, 1000, '--hours 8'), 8)
    .option(
      '--warmup-minutes <m>',
      'minutes simulated first and left out of the figures',
      numberIn(0, 1440, '--warmup-minutes 30'),
      30,
    )
    .option(
      '--seed <n>',
      'seed of every random draw (the same seed, the same run)',
      numberIn(0, 2 ** 31, '--seed 7', true),
      1,
    )
    .option('--live <share>', 'share of dials a person answers', numberIn(0, 1, '--live 0.25'), 0.25)
    .option('--machine <share>', 'share answered by a machine', numberIn(0, 1, '--machine 0.2'), 0.2)
    .option('--unanswered <share>', 'share nobody answers', numberIn(0, 1, '--unanswered 0.45'), 0.45)
    .option('--busy <share>', 'share busy', numberIn(0, 1, '--busy 0.1'), 0.1)
    .option('--talk-seconds <s>', 'mean talk time', numberIn(1, 36_000, '--talk-seconds 100'), 100)
    .option('--wrap-seconds <s>', 'wrap-up after a call', numberIn(0, 36_000, '--wrap-seconds 20'), 20)
    .option(
      '--target-abandon-rate <rate>',
      'abandonment limit as a share of live answers',
      numberIn(0, 0.5, '--target-abandon-rate 0.03'),
      0.03,
    )
    .option(
      '--lines-per-agent <n>',
      'progressive: calls per ready agent; power: the fixed ratio',
      numberIn(0.01, 50, '--lines-per-agent 1.5'),
      1,
    )
    .action(async (o, cmd: Command) => {
      const g = globals(cmd);
      if (g.server !== undefined || g.dataDir !== undefined || g.tenant !== undefined) {
        io.stderr.write('simulate runs locally; --server, --data-dir and --tenant are not used.\n');
      }
      const mix = { live: o.live, machine: o.machine, noAnswer: o.unanswered, busy: o.busy };
      if (mix.live + mix.machine + mix.noAnswer + mix.busy <= 0) {
        throw new CliError('The outcome shares add up to 0; give --live (and the others) positive shares.', EXIT_USAGE);
      }
      const summary = runSimulation({
        mode: o.mode,
        agents: o.agents,
        hours: o.hours,
        warmupMinutes: o.warmupMinutes,
        seed: o.seed,
        mix,
        talkSeconds: o.talkSeconds,
        wrapSeconds: o.wrapSeconds,
        targetAbandonRate: o.targetAbandonRate,
        linesPerAgent: o.linesPerAgent,
      });
      io.stdout.write(g.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSimulation(summary));
    });

  program
    .command('lists')
    .description('list the contact lists (or suppression lists with --suppression): id, size and name')
    .option('--suppression', 'suppression lists')
    .action(async (o, cmd: Command) => {
      const g = globals(cmd);
      const lists = await withBackend(io, g, (backend) => backend.lists(o.suppression ? 'suppression' : 'contacts'));
      if (g.json) io.stdout.write(`${JSON.stringify(lists, null, 2)}\n`);
      else for (const l of lists) io.stdout.write(`${l.id}\t${String(l.size).padStart(9)}\t${l.name}\n`);
    });
  return program;
}

/**
 * Runs the CLI over `argv` (the arguments after the program name) and
 * resolves to the exit code: 0 done, 1 failed (refused input, failed import,
 * server error), 2 bad arguments.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const outcome = { exitCode: 0 };
  const program = createProgram(io, outcome);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return outcome.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version print and end with 0; commander already printed its usage errors.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof CliError) {
      io.stderr.write(`outpace: ${err.message}\n`);
      return err.exitCode;
    }
    if (isOutpaceError(err)) {
      // The packages' errors already say what was wrong, where, and how to fix it.
      io.stderr.write(`outpace: ${err.code}: ${err.message}\n`);
      return EXIT_FAILED;
    }
    io.stderr.write(`outpace: unexpected failure: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_FAILED;
  }
}
