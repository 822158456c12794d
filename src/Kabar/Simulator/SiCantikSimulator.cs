using System.Globalization;
using Microsoft.Extensions.Options;

namespace Kabar.Simulator;

/// <summary>
/// The simulated SiCantik back office (SPEC §7): applications, their workflow steps and issued
/// permits, answered over SiCantik's REST API exactly as its CodeIgniter controller does (see
/// <see cref="SiCantikSimulatorApi"/>), with switchable faults and request statistics. Thread-safe;
/// all time from <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class SiCantikSimulator
{
    /// <summary>The workflow every application follows; the issued permit is at <see cref="IssuedAt"/>.</summary>
    public static readonly IReadOnlyList<SiCantikStep> Workflow =
    [
        new(2, "Menerima dan Memeriksa Berkas"),
        new(3, "Entri Data"),
        new(5, "Rekomendasi"),
        new(7, "Penetapan Izin"),
        new(17, "Pembuatan Izin"),
        new(14, "Penyerahan Izin"),
    ];

    public static readonly SiCantikStep Rejected = new(9, "Izin Ditolak");

    private const int IssuedAt = 4;

    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private List<SiCantikApplication> applications = [];
    private ILookup<string, SiCantikApplication>? issuedByNoIzin; // null after every change, made again on the next lookup
    private Random random = new(1);
    private long lastId;
    private SiCantikFaults faults = SiCantikFaults.None;
    private int failSeen;
    private int failed;
    private long requests;
    private readonly Dictionary<string, long> byEndpoint = new(StringComparer.Ordinal);
    private readonly Queue<long> lastSecond = new();
    private int maxPerSecond;

    public SiCantikSimulator(IOptions<SiCantikSimulatorOptions> options, TimeProvider time)
    {
        this.time = time;
        var o = options.Value;
        Seed(o.Issued, o.InProcess, o.Seed);
    }

    /// <summary>The simulator's clock, for answers it delays.</summary>
    public TimeProvider Time => time;

    internal static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Replaces every application with <paramref name="issued"/> permits and <paramref name="inProcess"/> applications; also clears the statistics.</summary>
    public void Seed(int issued, int inProcess, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(issued);
        ArgumentOutOfRangeException.ThrowIfNegative(inProcess);
        lock (gate)
        {
            random = new Random(seed);
            lastId = 0;
            applications = Generate(issued, inProcess, Today);
            issuedByNoIzin = null;
            requests = 0;
            byEndpoint.Clear();
            lastSecond.Clear();
            maxPerSecond = 0;
        }
    }

    /// <summary>Every application, newest first.</summary>
    public IReadOnlyList<SiCantikApplicationView> Applications()
    {
        lock (gate)
        {
            return Newest(applications).Select(a => a.View()).ToList();
        }
    }

    /// <summary>
    /// A new application received today, at the first step. <paramref name="permitType"/> is a permit
    /// type's name or id; what is left out is made up. Throws <see cref="ArgumentException"/> for an unknown type.
    /// </summary>
    public SiCantikApplicationView Add(string? name = null, string? phone = null, string? permitType = null)
    {
        var type = permitType is null ? null
            : PermitTypes.FirstOrDefault(t => string.Equals(t.Name, permitType.Trim(), StringComparison.OrdinalIgnoreCase)
                || t.Id.ToString(CultureInfo.InvariantCulture) == permitType.Trim())
              ?? throw new ArgumentException($"Unknown permit type '{permitType}'; known: {string.Join(", ", PermitTypes.Select(t => t.Name))}.", nameof(permitType));
        lock (gate)
        {
            var today = Today;
            var sequence = applications.Where(a => a.Received.Year == today.Year).Select(a => int.Parse(a.PendaftaranId[..5], CultureInfo.InvariantCulture))
                .DefaultIfEmpty(0).Max() + 1;
            var application = NewApplication(sequence, today, type ?? PermitTypes[random.Next(PermitTypes.Count)], name, phone);
            application.History.Add(Workflow[0]);
            applications.Add(application);
            issuedByNoIzin = null;
            return application.View();
        }
    }

    /// <summary>Moves an application in process to its next step, up to the step before the permit is made; null: unknown.</summary>
    public SiCantikApplicationView? Advance(string pendaftaranId) => Change(pendaftaranId, a =>
    {
        var at = Workflow.ToList().IndexOf(a.Current);
        if (!a.Issued && at >= 0 && at < IssuedAt - 1)
        {
            a.History.Add(Workflow[at + 1]);
        }
    });

    /// <summary>
    /// Issues the permit: it leaves <c>listpermohonanproses</c> for <c>listpermohonanterbit</c> with a
    /// permit number (<paramref name="noSurat"/>, else the next in the type's style), today's date and
    /// <paramref name="expires"/> (null: the type's usual validity). A rejected application stays rejected. Null: unknown.
    /// </summary>
    public SiCantikApplicationView? Issue(string pendaftaranId, DateOnly? expires = null, string? noSurat = null) => Change(pendaftaranId, a =>
    {
        if (!a.Issued && a.Current != Rejected)
        {
            IssueNow(a, Today, expires);
            a.NoSurat = string.IsNullOrEmpty(noSurat) ? a.NoSurat : noSurat;
        }
    });

    /// <summary>Rejects an application in process (step 9 <c>Izin Ditolak</c>); it stays in proses. Null: unknown.</summary>
    public SiCantikApplicationView? Reject(string pendaftaranId) => Change(pendaftaranId, a =>
    {
        if (!a.Issued && a.Current != Rejected)
        {
            a.History.Add(Rejected);
        }
    });

    /// <summary>Sets the phone exactly as typed (null: none). Null: unknown.</summary>
    public SiCantikApplicationView? SetPhone(string pendaftaranId, string? phone) => Change(pendaftaranId, a => a.Phone = phone ?? "");

    private SiCantikApplicationView? Change(string pendaftaranId, Action<SiCantikApplication> change)
    {
        lock (gate)
        {
            var application = applications.FirstOrDefault(a => a.PendaftaranId == pendaftaranId);
            if (application is null)
            {
                return null;
            }

            change(application);
            issuedByNoIzin = null;
            return application.View();
        }
    }

    private void IssueNow(SiCantikApplication a, DateOnly on, DateOnly? expires)
    {
        for (var i = Workflow.ToList().IndexOf(a.Current) + 1; i <= IssuedAt; i++)
        {
            a.History.Add(Workflow[i]);
        }

        var number = applications.Count(x => x.TglSurat?.Year == on.Year) + 1;
        a.Issued = true;
        a.TglSurat = on;
        a.NoSurat = PermitNumber(a.Type, number, on);
        a.BerlakuIzin = expires is { } e ? Date(e) : a.Type.ValidYears == 0 ? "0000-00-00" : Date(on.AddYears(a.Type.ValidYears));
    }

    /// <summary>What the API's faults are; setting them restarts the count of <see cref="SiCantikFaults.Fail500"/>.</summary>
    public SiCantikFaults Faults
    {
        get
        {
            lock (gate)
            {
                return faults;
            }
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (gate)
            {
                faults = value;
                failSeen = 0;
                failed = 0;
            }
        }
    }

    public void ClearFaults() => Faults = SiCantikFaults.None;

    public SiCantikStats Stats()
    {
        lock (gate)
        {
            return new SiCantikStats(requests, new Dictionary<string, long>(byEndpoint), maxPerSecond);
        }
    }

    /// <summary>Counts a request to <paramref name="endpoint"/>; true when a 500 fault takes it.</summary>
    internal bool Arrive(string endpoint, out SiCantikFaults current)
    {
        var now = time.GetTimestamp();
        lock (gate)
        {
            requests++;
            byEndpoint[endpoint] = byEndpoint.GetValueOrDefault(endpoint) + 1;
            while (lastSecond.Count > 0 && time.GetElapsedTime(lastSecond.Peek(), now) >= TimeSpan.FromSeconds(1))
            {
                lastSecond.Dequeue();
            }

            lastSecond.Enqueue(now);
            maxPerSecond = Math.Max(maxPerSecond, lastSecond.Count);
            current = faults;
            if (faults.Fail500 is not { } fail || (fail.Endpoint != "*" && !string.Equals(fail.Endpoint, endpoint, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            if (failSeen++ < fail.AfterRequests || failed >= fail.Count)
            {
                return false;
            }

            failed++;
            return true;
        }
    }

    private static IEnumerable<SiCantikApplication> Newest(IEnumerable<SiCantikApplication> list) =>
        list.OrderByDescending(a => a.Received).ThenByDescending(a => a.Id);
}
