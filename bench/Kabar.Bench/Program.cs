using System.Diagnostics;
using System.Globalization;
using Kabar.Bench;

// Kabar's throughput budgets (docs/benchmarks.md), measured against real processes over real
// sockets: Kabar runs as its own process, the Cloud API simulator as a standalone host.
//   send      WhatsApp sends/s from one instance to the simulator at its configured rate
//   statuses  signed status webhooks ingested/s (batches of 100) and their latency
//   scheduler-scan  the daily expiry scan over a million permits, 10,000 of them due
//   console   the operator console's pages over a million contacts and ten million attempts
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var clock = Stopwatch.StartNew();
var report = options.Scenario switch
{
    "send" => await SendBench.RunAsync(options),
    "statuses" => await StatusBench.RunAsync(options),
    "scheduler-scan" => await SchedulerScanBench.RunAsync(options),
    "console" => await ConsoleBench.RunAsync(options),
    _ => null,
};
if (report is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

Console.WriteLine(report);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(whole run {clock.Elapsed.TotalSeconds:0.0} s)"));
return 0;
