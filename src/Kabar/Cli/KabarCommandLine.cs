using System.CommandLine;
using System.CommandLine.Invocation;
using Kabar.Common;
using Kabar.Simulator;
using Kabar.Transfers;

namespace Kabar.Cli;

/// <summary>
/// The command line of the <c>kabar</c> executable (SPEC §13, README "Command line"), parsed by
/// System.CommandLine before any host is built: <c>serve</c> (the default), <c>migrate</c>,
/// <c>apikey create NAME [--read-only]</c>, <c>apikey revoke NAME</c>,
/// <c>admin add EMAIL [--role admin|operator|viewer] [--password-stdin]</c>, <c>consent verify</c>,
/// <c>job run NAME</c>, <c>import permits|contacts FILE [--dry-run] [--encoding E]</c>,
/// <c>export contacts [--consented] [--out FILE|DIR]</c> (and <c>export [--consented] [--out DIR]</c>),
/// <c>export verify FILE [--manifest M] [--public-key PEM|FINGERPRINT]</c>, <c>export key</c>,
/// <c>backup --out FILE|DIR [--force]</c>, <c>webhooks replay ID</c>, <c>whatsapp check [--fix]</c>,
/// <c>whatsapp templates submit [--type T] [--dry-run]</c> and <c>simulator --urls URL</c>.
/// </summary>
/// <remarks>
/// Host settings (<c>--Kabar:Api:Keys:0=KEY</c>, <c>--ConnectionStrings:Kabar "Data Source=…"</c>,
/// <c>--urls URL</c>: a key with ':' or one of <see cref="HostKeys"/>, as <c>--key=value</c> or
/// <c>--key value</c>) may stand anywhere; they are taken out before parsing and given to the host
/// builder as <see cref="HostArgs"/>. Everything else must be a command, its arguments or its
/// options: an unknown one is refused with the command's help on standard error and exit code 2,
/// so a misspelt <c>--dryrun</c> never runs a real import. <c>--help</c>/<c>-h</c> works on every
/// command and <c>--version</c> prints <see cref="KabarHost.Version"/>, both exiting 0.
/// </remarks>
public sealed class KabarCommandLine
{
    /// <summary>The host's own settings that have no ':' in their key (besides <c>--Section:Key</c> ones).</summary>
    public static readonly IReadOnlySet<string> HostKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "urls", "environment", "contentRoot", "applicationName", "webroot", "http_ports", "https_ports", "https_port",
        "shutdownTimeoutSeconds",
    };

    private static readonly ParserConfiguration Parsing = new()
    {
        // No response files: a FILE argument starting with '@' is a file name, not more arguments.
        ResponseFileTokenReplacer = null,
    };

    private readonly RootCommand root;
    private readonly ParseResult result;
    private readonly string? hostProblem;
    private WebApplication? app;

    private KabarCommandLine(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        (HostArgs, var commandArgs, hostProblem) = SplitHostSettings(args);
        root = BuildCommands();
        result = root.Parse(commandArgs, Parsing);
    }

    /// <summary>The host settings among the arguments, for <c>KabarHost.CreateBuilder</c>.</summary>
    public string[] HostArgs { get; }

    /// <summary>Parses the arguments; nothing runs and nothing is printed yet.</summary>
    public static KabarCommandLine Parse(string[] args) => new(args);

    /// <summary>The command runs against a built Kabar (<see cref="RunAsync"/>), or is <c>serve</c>.</summary>
    public bool NeedsKabar => Valid && result.Action is KabarAction;

    /// <summary><c>serve</c>, named or by default.</summary>
    public bool IsServe => Valid && result.Action is KabarAction { Serve: true };

    /// <summary>The command's path, for messages (<c>import permits</c>; empty for the root).</summary>
    public string CommandName => string.Join(' ', Path(result.CommandResult.Command));

    /// <summary>The parser's errors and any problem with a host setting, one line each.</summary>
    public IReadOnlyList<string> Errors => hostProblem is null
        ? [.. result.Errors.Select(e => e.Message)]
        : [hostProblem, .. result.Errors.Select(e => e.Message)];

    private bool Valid => hostProblem is null && result.Errors.Count == 0;

    /// <summary>
    /// What runs without Kabar's host: help and <c>--version</c> (exit 0), a usage error (the
    /// reason and the command's help on standard error, exit 2) and the simulator on its own host.
    /// </summary>
    public async Task<int> RunAloneAsync()
    {
        if (hostProblem is not null || result.Errors.Count > 0)
        {
            if (hostProblem is null && result.Action is ParseErrorAction)
            {
                // The parser's own report: each error, a "did you mean" for a misspelt option, the help.
                await result.InvokeAsync(new InvocationConfiguration { Output = Console.Error, Error = Console.Error });
            }
            else
            {
                foreach (var error in Errors)
                {
                    await Console.Error.WriteLineAsync(error);
                }

                await Console.Error.WriteLineAsync();
                await root.Parse([.. Path(result.CommandResult.Command), "--help"], Parsing)
                    .InvokeAsync(new InvocationConfiguration { Output = Console.Error });
            }

            return ExitCodes.Usage;
        }

        // The simulator is a server like serve: its host handles Ctrl+C and SIGTERM itself.
        return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary>Runs a command other than <c>serve</c> against the built, not started, Kabar.</summary>
    public async Task<int> RunAsync(WebApplication app)
    {
        if (!NeedsKabar || IsServe)
        {
            throw new InvalidOperationException($"'{CommandName}' does not run against Kabar's host.");
        }

        this.app = app;
        return await result.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    /// <summary>Takes the host settings (see the remarks) out of the arguments.</summary>
    internal static (string[] Host, string[] Command, string? Problem) SplitHostSettings(IReadOnlyList<string> args)
    {
        // WebApplicationFactory passes its settings as arguments, each section too, empty:
        // "--Kabar=" beside "--Kabar:Api:Keys:0=…". Such a section is a host setting as well.
        var sections = args.TakeWhile(a => a != "--").Where(a => a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a[2..].Split('=', 2)[0])
            .Where(key => key.Contains(':', StringComparison.Ordinal))
            .Select(key => key.Split(':')[0])
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        List<string> host = [], command = [];
        string? problem = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                // After "--" every token is an argument of the command, whatever it looks like.
                command.AddRange(args.Skip(i));
                break;
            }

            var body = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : "";
            var key = body.Split('=', 2)[0];
            if (key.Length == 0 || !(key.Contains(':', StringComparison.Ordinal) || HostKeys.Contains(key)
                || (body == key + "=" && sections.Contains(key))))
            {
                command.Add(arg);
            }
            else if (body.Contains('=', StringComparison.Ordinal))
            {
                host.Add(arg);
            }
            else if (i + 1 < args.Count)
            {
                host.Add(arg);
                host.Add(args[++i]);
            }
            else
            {
                problem ??= $"The host setting '{arg}' needs a value: {arg}=VALUE or {arg} VALUE.";
            }
        }

        return ([.. host], [.. command], problem);
    }

    private RootCommand BuildCommands()
    {
        var root = new RootCommand(
            "Kabar: consent-aware WhatsApp, SMS and e-mail notices for the permit office. Without a command, serve. " +
            "Host settings (--urls URL, --Kabar:Section:Key=VALUE, --ConnectionStrings:Kabar=…, --Logging:LogLevel:Default=…) " +
            "may stand anywhere on the line. Exit codes: 0 done, 1 failed or rows rejected, 2 usage or unreadable input.")
        {
            Action = new KabarAction(this, "serve", null),
        };

        // No [suggest] or other directives: a first argument in brackets is not Kabar's business.
        root.Directives.Clear();
        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion();

        root.Add(new Command("serve", "Migrate (unless Kabar:Database:MigrateOnStartup=false) and serve; the default. --urls URL says where.")
        {
            Action = new KabarAction(this, "serve", null),
        });
        root.Add(Run(new Command("migrate", "Apply the database migrations and exit."), "migrate",
            (app, _, ct) => KabarCli.MigrateAsync(app, ct)));
        root.Add(ApiKeyCommand());
        root.Add(AdminCommand());
        root.Add(new Command("consent", "The consent ledger.")
        {
            Run(new Command("verify", "Walk every contact's consent hash chain; exit 1 naming the first broken link of each broken chain."),
                "consent verify", (app, _, ct) => KabarCli.VerifyConsentAsync(app, ct)),
        });
        root.Add(JobCommand());
        root.Add(ImportCommand());
        root.Add(ExportCommand());
        root.Add(BackupCommand());
        root.Add(WebhooksCommand());
        root.Add(WhatsAppCommand());
        root.Add(SimulatorCommand());
        return root;
    }

    private Command ApiKeyCommand()
    {
        var createName = new Argument<string>("NAME") { Description = "Who uses the key (permit-system, dashboard)." };
        var readOnly = new Option<bool>("--read-only") { Description = "The key reads only; by default it also writes." };
        var revokeName = new Argument<string>("NAME") { Description = "The key's name." };
        return new Command("apikey", "API keys: only their hash is stored.")
        {
            Run(new Command("create", "Create an API key and print it, once, on standard output.") { createName, readOnly },
                "apikey create", (app, r, ct) => KabarCli.CreateApiKeyAsync(app, r.GetRequiredValue(createName), r.GetValue(readOnly), ct)),
            Run(new Command("revoke", "Revoke the active API key of that name.") { revokeName },
                "apikey revoke", (app, r, ct) => KabarCli.RevokeApiKeyAsync(app, r.GetRequiredValue(revokeName), ct)),
        };
    }

    private Command AdminCommand()
    {
        var email = new Argument<string>("EMAIL") { Description = "The operator's e-mail address, used to sign in." };
        var role = new Option<string>("--role")
        {
            Description = "What the operator may do.",
            HelpName = string.Join('|', Admin.OperatorRoles.All),
            DefaultValueFactory = _ => Admin.OperatorRoles.Viewer,
        };
        role.Validators.Add(r =>
        {
            if (!Admin.OperatorRoles.All.Contains(r.GetValueOrDefault<string>()))
            {
                r.AddError($"--role must be one of {string.Join(", ", Admin.OperatorRoles.All)}.");
            }
        });
        var passwordStdin = new Option<bool>("--password-stdin")
        {
            Description = "Read the password from the first line of standard input; by default one is generated and printed once.",
        };
        return new Command("admin", "Operator console accounts.")
        {
            Run(new Command("add", "Add an operator; a generated password is the only line on standard output.") { email, role, passwordStdin },
                "admin add", (app, r, ct) => KabarCli.AddOperatorAsync(app, r.GetRequiredValue(email), r.GetRequiredValue(role), r.GetValue(passwordStdin), ct)),
        };
    }

    private Command JobCommand()
    {
        var name = new Argument<string>("NAME")
        {
            Description = "expiry-reminders, document-reminders, template-sync, retention, stats-rollup or opt-in-campaigns.",
        };
        return new Command("job", "Scheduled jobs.")
        {
            Run(new Command("run", "Run a scheduled job now and print what it created.") { name },
                "job run", (app, r, ct) => KabarCli.RunJobAsync(app, r.GetRequiredValue(name), ct)),
        };
    }

    private Command ImportCommand()
    {
        return new Command("import", "Import CSV files; a rejected row is reported with its line and column, and exits 1.")
        {
            ImportOf("permits", "Import or update permits from CSV; prints each rejected row.", KabarCli.ImportPermitsAsync),
            ImportOf("contacts", "Import contacts, their consent evidence and permits from CSV; progress on standard error, the report on standard output.",
                TransfersCli.ImportContactsAsync),
        };

        Command ImportOf(string what, string description, Func<WebApplication, string, bool, string?, CancellationToken, Task<int>> import)
        {
            var file = new Argument<string>("FILE") { Description = "The CSV file." };
            var dryRun = new Option<bool>("--dry-run") { Description = "Check every row and report, writing nothing." };
            var encoding = new Option<string>("--encoding")
            {
                Description = "The file's encoding when it is not UTF-8 (windows-1252, iso-8859-1).",
                HelpName = "ENCODING",
            };
            return Run(new Command(what, description) { file, dryRun, encoding }, $"import {what}",
                (app, r, ct) => import(app, r.GetRequiredValue(file), r.GetValue(dryRun), r.GetValue(encoding), ct));
        }
    }

    private Command ExportCommand()
    {
        var file = new Argument<string>("FILE") { Description = "The exported CSV file." };
        var manifest = new Option<string>("--manifest") { Description = "Its manifest; by default FILE.manifest.json.", HelpName = "MANIFEST" };
        var publicKey = new Option<string>("--public-key")
        {
            Description = "The office's public key (a PEM file or text) or its fingerprint (sha256:…), as kabar export key prints it.",
            HelpName = "PEM|FINGERPRINT",
        };
        var verify = Run(new Command("verify",
            "Tell whether an exported file or its manifest was altered: exit 0 intact, 1 altered (naming the rows), 2 unreadable, " +
            "3 matches its manifest but the signer was not checked against the office's key.") { file, manifest, publicKey },
            "export verify", (app, r, ct) => TransfersCli.VerifyAsync(app, r.GetRequiredValue(file), r.GetValue(manifest), r.GetValue(publicKey), ct));
        var key = Run(new Command("key", "Print the office's export-signing public key and fingerprint, to give to auditors."),
            "export key", (app, _, ct) => TransfersCli.PrintKeyAsync(app, ct));

        // "kabar export --out DIR" is the short form of "kabar export contacts --out DIR"; its
        // options belong to it alone ("export --consented contacts" would otherwise lose one).
        var export = ExportContacts(new Command("export",
            "Export contacts (as export contacts when no subcommand is given), verify an export, or print the signing key."));
        export.Add(ExportContacts(new Command("contacts",
            "Write contacts-YYYYMMDD-HHMMSS.csv and its signed .manifest.json (default folder Kabar:Exports:Path).")));
        export.Add(verify);
        export.Add(key);
        foreach (var subcommand in export.Subcommands)
        {
            // The parser validates only the innermost command fully, so the check sits here.
            subcommand.Validators.Add(result =>
            {
                if (result.Parent is System.CommandLine.Parsing.CommandResult parent
                    && parent.Children.OfType<System.CommandLine.Parsing.OptionResult>().Any(o => !o.Implicit && export.Options.Contains(o.Option)))
                {
                    result.AddError("--consented and --out go after the subcommand: kabar export contacts [--consented] [--out FILE|DIR].");
                }
            });
        }

        return export;

        Command ExportContacts(Command command)
        {
            var consented = new Option<bool>("--consented") { Description = "Only contacts who consented to WhatsApp." };
            var output = new Option<string>("--out")
            {
                Description = "The file to write, or a folder (ending in / or existing) for contacts-YYYYMMDD-HHMMSS.csv.",
                HelpName = "FILE|DIR",
            };
            command.Add(consented);
            command.Add(output);
            return Run(command, "export contacts",
                (app, r, ct) => TransfersCli.ExportAsync(app, r.GetValue(consented), r.GetValue(output), ct));
        }
    }

    private Command BackupCommand()
    {
        var output = new Option<string>("--out")
        {
            Description = "The file to write, or a folder (ending in / or existing) for kabar-YYYYMMDD-HHMMSS.db.",
            HelpName = "FILE|DIR",
            Required = true,
        };
        var force = new Option<bool>("--force") { Description = "Replace FILE when it exists; by default an existing file is left alone (exit 2)." };
        return Run(new Command("backup",
            "Copy the SQLite database while Kabar runs (SQLite's backup API, with what is still in the -wal file), check it with " +
            "PRAGMA integrity_check and rename it into place. On PostgreSQL use pg_dump (exit 2).") { output, force },
            "backup", (app, r, ct) => KabarCli.BackupAsync(app, r.GetRequiredValue(output), r.GetValue(force), ct));
    }

    private Command WebhooksCommand()
    {
        var id = new Argument<long>("ID") { Description = "The quarantined post's id, as the console's quarantine page shows it." };
        return new Command("webhooks", "WhatsApp webhook posts Kabar could not read whole (the quarantine).")
        {
            Run(new Command("replay",
                "Process a quarantined post again through the normal intake; exit 0 when it was read whole and removed from " +
                "the quarantine, 1 when parts are still unreadable (it stays, with the new reasons) or there is no such post.") { id },
                "webhooks replay", (app, r, ct) => KabarCli.ReplayWebhookAsync(app, r.GetRequiredValue(id), ct)),
        };
    }

    private Command WhatsAppCommand()
    {
        var fix = new Option<bool>("--fix") { Description = "Also subscribe Kabar's app to the business account when it is not (POST /{waba-id}/subscribed_apps)." };
        var language = new Option<string>("--language") { Description = "The language of the lines: en (default) or id.", DefaultValueFactory = _ => "en" };
        language.AcceptOnlyFromAmong("en", "id");
        var type = new Option<string?>("--type") { Description = "Only this notification type's templates (permit_ready, status_update, …)." };
        type.AcceptOnlyFromAmong([.. Notifications.NotificationCatalog.All.Select(t => t.Name)]);
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the requests it would send to Meta and send nothing." };
        return new Command("whatsapp", "Going live on WhatsApp with Meta (docs/going-live.md).")
        {
            Run(new Command("check",
                "Check against Meta's Graph API, with the configured credentials, everything Kabar needs to send: one line per item, " +
                "each failing one saying how to fix it. Exit 0 only when nothing fails.") { fix, language },
                "whatsapp check", (app, r, ct) => KabarCli.WhatsAppCheckAsync(app, r.GetValue(fix), r.GetValue(language) ?? "en", ct)),
            new Command("templates", "The office's WhatsApp templates (templates/whatsapp-templates.json).")
            {
                Run(new Command("submit",
                    "Create at Meta each catalog template it does not have yet (POST /{waba-id}/message_templates) and print Meta's answer; " +
                    "a template Meta has is never changed. Exit 0 when nothing was rejected.") { type, dryRun },
                    "whatsapp templates submit", (app, r, ct) => KabarCli.SubmitTemplatesAsync(app, r.GetValue(type), r.GetValue(dryRun), ct)),
            },
        };
    }

    private Command SimulatorCommand()
    {
        var simulator = new Command("simulator",
            "The Cloud API simulator alone (tests and benchmarks). Requires the host setting --urls URL; " +
            "--Kabar:Simulator:WebhookUrl=URL and --Kabar:Simulator:AppSecret=SECRET say where its signed webhooks go.");
        simulator.SetAction((_, _) => SimulatorHost.RunAsync(HostArgs));
        return simulator;
    }

    private Command Run(Command command, string name, Func<WebApplication, ParseResult, CancellationToken, Task<int>> run)
    {
        command.Action = new KabarAction(this, name, run);
        return command;
    }

    private static IEnumerable<string> Path(Command command) =>
        command is RootCommand ? [] : [.. command.Parents.OfType<Command>().SelectMany(Path), command.Name];

    /// <summary>
    /// A command that needs Kabar's host (or, without work, <c>serve</c>): a failure is one line
    /// on standard error and exit 1, the message masked like a log line.
    /// </summary>
    private sealed class KabarAction(KabarCommandLine owner, string name,
        Func<WebApplication, ParseResult, CancellationToken, Task<int>>? run) : AsynchronousCommandLineAction
    {
        public bool Serve => run is null;

        public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
        {
            if (run is null || owner.app is not { } app)
            {
                throw new InvalidOperationException($"kabar {name} runs from Program, against the built host.");
            }

            try
            {
                return await run(app, parseResult, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"kabar: {name} interrupted.");
                return ExitCodes.Failed;
            }
            catch (Exception ex)
            {
                await Console.Error.WriteLineAsync($"kabar: {name} failed: {Pii.MaskText(ex.GetBaseException().Message)}");
                return ExitCodes.Failed;
            }
        }
    }

    /// <summary><c>--version</c>: the release and its commit (<c>1.0.0+97709dd</c>), as <c>/healthz</c> shows it.</summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(KabarHost.Version);
            return ExitCodes.Done;
        }
    }
}
