using System.Globalization;

namespace Kabar.Bench;

/// <summary>
/// Command line: <c>send|statuses|scheduler-scan|console [--db sqlite|postgres] [--pg CONNSTR] [--count N] [--mps N]
/// [--concurrency N] [--contacts N] [--attempts N]</c>.
/// </summary>
public sealed record BenchOptions(string Scenario, string Db, string? Postgres, int Count, int MessagesPerSecond, int Concurrency,
    int Contacts = 1_000_000, int Attempts = 10_000_000)
{
    public const string Usage =
        "usage: Kabar.Bench send|statuses|scheduler-scan|console [--db sqlite|postgres] [--pg \"Host=…;Username=…\"] [--count N] [--mps N] [--concurrency N] [--contacts N] [--attempts N]";

    public static BenchOptions? Parse(string[] args)
    {
        if (args.Length == 0)
        {
            return null;
        }

        string db = "sqlite";
        string? pg = null;
        int? count = null, mps = null, concurrency = null, contacts = null, attempts = null;
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--db" when value is "sqlite" or "postgres":
                    db = value;
                    break;
                case "--pg" when value is not null:
                    pg = value;
                    break;
                case "--count" when int.TryParse(value, CultureInfo.InvariantCulture, out var c):
                    count = c;
                    break;
                case "--mps" when int.TryParse(value, CultureInfo.InvariantCulture, out var m):
                    mps = m;
                    break;
                case "--concurrency" when int.TryParse(value, CultureInfo.InvariantCulture, out var k):
                    concurrency = k;
                    break;
                case "--contacts" when int.TryParse(value, CultureInfo.InvariantCulture, out var p) && p > 0:
                    contacts = p;
                    break;
                case "--attempts" when int.TryParse(value, CultureInfo.InvariantCulture, out var a) && a > 0:
                    attempts = a;
                    break;
                default:
                    return null;
            }

            i++;
        }

        if (db == "postgres" && pg is null)
        {
            return null;
        }

        return new BenchOptions(args[0], db, pg, count ?? args[0] switch { "send" => 20_000, "scheduler-scan" => 1_000_000, _ => 50_000 }, mps ?? 1000, concurrency ?? 8,
            contacts ?? 1_000_000, attempts ?? 10_000_000);
    }
}
