using System.Diagnostics;
using System.Globalization;
using Kabar.Benchmarks;

// Kabar's performance budgets (docs/benchmarks.md), measured against real processes over real
// sockets, each beside a baseline measured in the same invocation:
//   dispatch        notices through the real dispatcher to the standalone simulator (vs the configured mps, vs Hangfire)
//   webhooks        signed status batches ingested (vs a bare ASP.NET Core endpoint that only verifies and parses)
//   scheduler-scan  the daily expiry scan over a million permits, 10,000 of them due
//   decisions-bulk  100,000 contacts decided in one call (vs the single-person call)
//   console         the operator console's pages over a million contacts and ten million attempts
//   startup         process start to /readyz on a fresh SQLite file (vs a bare ASP.NET Core app)
//   sicantik        the SiCantik connector's backfill and a 1 % incremental sync against the SiCantik simulator
//   micro           BenchmarkDotNet micro-benchmarks of the hot paths
if (args is ["micro", ..])
{
    return MicroBenchmarks.Run(args[1..]);
}

if (args is ["bare-webhook", ..])
{
    // The baseline server of `webhooks` and `startup`, run as its own process like Kabar.
    await BareWebhookServer.RunAsync(args[1..]);
    return 0;
}

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var clock = Stopwatch.StartNew();
var report = options.Scenario switch
{
    "dispatch" => await DispatchBench.RunAsync(options),
    "recovery" => await RecoveryBench.RunAsync(options),
    "webhooks" => await WebhookBench.RunAsync(options),
    "scheduler-scan" => await SchedulerScanBench.RunAsync(options),
    "decisions-bulk" => await DecisionsBulkBench.RunAsync(options),
    "console" => await ConsoleBench.RunAsync(options),
    "startup" => await StartupBench.RunAsync(options),
    "sicantik" => await SiCantikBench.RunAsync(options),
    _ => null,
};
if (report is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(whole run {clock.Elapsed.TotalSeconds:0.0} s)"));
Console.WriteLine(report);
return 0;
