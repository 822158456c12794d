using System.Globalization;

namespace Kabar.Benchmarks;

/// <summary>
/// Command line of the macro scenarios: <c>SCENARIO [--db sqlite|postgres] [--pg CONNSTR] [--count N] [--mps N]
/// [--numbers N] [--instances N] [--latency MS] [--jitter MS] [--concurrency N] [--per-post N] [--contacts N] [--attempts N] [--asks N] [--runs N]
/// [--no-hangfire] [--statuses] [--warmup SECONDS]</c>.
/// </summary>
public sealed record BenchOptions(string Scenario, string Db, string? Postgres, int Count, int MessagesPerSecond, int Concurrency,
    int Contacts = 1_000_000, int Attempts = 10_000_000, int Numbers = 1, int Runs = 5, bool Hangfire = true, string? Published = null,
    int PerPost = 100, int Instances = 1, int LatencyMs = 0, int JitterMs = 0, int Asks = 20_000, bool Statuses = false, int WarmupSeconds = 0)
{
    public const string Usage = """
        usage: Kabar.Benchmarks SCENARIO [options]        (each scenario prints its figures, then one JSON line)
          dispatch        [--db sqlite|postgres] [--pg "Host=…;Username=…"] [--numbers 1|4] [--count N] [--mps N] [--no-hangfire]
                          [--instances N]  (PostgreSQL: N Kabar processes on one database, beside the same backlog through one)
                          [--latency MS] [--jitter MS]  (the simulator answers each send MS ± jitter after it arrived, as Meta does)
                          [--statuses]  (one process: the simulator posts sent, delivered and read back, one status per POST, as Meta does)
                          [--warmup SECONDS]  (first SECONDS × the rate notices, sent and read before the timed backlog: a process that has run)
          recovery        [--db …] [--pg …] [--count N] [--mps N] [--latency MS] [--jitter MS]  (kill -9 mid-backlog, restart)
          webhooks        [--db …] [--pg …] [--count N attempts] [--concurrency N] [--per-post N statuses, 100]
          scheduler-scan  [--count N permits]                      (SQLite)
          decisions-bulk  [--db …] [--pg …] [--count N contacts]
          console         [--contacts N] [--attempts N] [--asks N campaign asks, 20,000, at most contacts / 5]  (SQLite)
          sicantik        [--db …] [--pg …] [--count N applications, 50,000]
          startup         [--runs N] [--published DIR]            (DIR: `dotnet publish -r linux-x64 -p:PublishReadyToRun=true` output)
          micro           [BenchmarkDotNet arguments: --filter *Signature* …] [--smoke]
        send and statuses are the former names of dispatch and webhooks.
        """;

    public static BenchOptions? Parse(string[] args)
    {
        if (args.Length == 0)
        {
            return null;
        }

        var scenario = args[0] switch { "send" => "dispatch", "statuses" => "webhooks", var s => s };
        string db = "sqlite";
        string? pg = null;
        string? published = null;
        int? count = null, mps = null, concurrency = null, contacts = null, attempts = null, numbers = null, runs = null, perPost = null,
            instances = null, latency = null, jitter = null, asks = null, warmup = null;
        var hangfire = true;
        var statuses = false;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--no-hangfire")
            {
                hangfire = false;
                continue;
            }

            if (args[i] == "--statuses")
            {
                statuses = true;
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : null;
            int? number = int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
            switch (args[i])
            {
                case "--db" when value is "sqlite" or "postgres":
                    db = value;
                    break;
                case "--pg" when value is not null:
                    pg = value;
                    break;
                case "--published" when value is not null && File.Exists(Path.Combine(value, "kabar.dll")):
                    published = Path.GetFullPath(value);
                    break;
                case "--count" when number is not null:
                    count = number;
                    break;
                case "--mps" when number is not null:
                    mps = number;
                    break;
                case "--concurrency" when number is not null:
                    concurrency = number;
                    break;
                case "--per-post" when number is > 0:
                    perPost = number;
                    break;
                case "--contacts" when number is not null:
                    contacts = number;
                    break;
                case "--attempts" when number is not null:
                    attempts = number;
                    break;
                case "--asks" when number is not null:
                    asks = number;
                    break;
                case "--numbers" when number is not null and <= 9:
                    numbers = number;
                    break;
                case "--instances" when number is not null and <= 4:
                    instances = number;
                    break;
                case "--runs" when number is not null:
                    runs = number;
                    break;
                case "--latency" when number is <= 60_000:
                    latency = number;
                    break;
                case "--jitter" when number is <= 60_000:
                    jitter = number;
                    break;
                case "--warmup" when number is <= 120 && scenario == "dispatch":
                    warmup = number;
                    break;
                default:
                    return null;
            }

            i++;
        }

        if ((db == "postgres" && pg is null) || (instances > 1 && db != "postgres") || (statuses && (scenario != "dispatch" || instances > 1)))
        {
            return null; // several instances share one database only on PostgreSQL; statuses go to one process
        }

        var defaultCount = scenario switch
        {
            "dispatch" => 20_000 * (numbers ?? 1),
            "recovery" => 20_000,
            "scheduler-scan" => 1_000_000,
            "decisions-bulk" => 100_000,
            _ => 50_000,
        };
        return new BenchOptions(scenario, db, pg, count ?? defaultCount, mps ?? 1000, concurrency ?? 8,
            contacts ?? 1_000_000, attempts ?? 10_000_000, numbers ?? 1, runs ?? 5, hangfire, published, perPost ?? 100,
            instances ?? 1, latency ?? 0, jitter ?? 0, asks ?? 20_000, statuses, warmup ?? 0);
    }
}
