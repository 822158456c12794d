using System.Globalization;

namespace Kabar.Simulator;

/// <summary>The made-up but realistic content of the back office: Karo applicants, places, permit types and phones as typed.</summary>
internal sealed partial class SiCantikSimulator
{
    public static readonly IReadOnlyList<SiCantikPermitType> PermitTypes =
    [
        new(77, "IZIN GANGGUAN USAHA (HO)", "PERIZINAN USAHA", 14, 5, "KK"),
        new(12, "SURAT IZIN USAHA PERDAGANGAN (SIUP)", "PERIZINAN USAHA", 7, 5, "KK"),
        new(32, "TANDA DAFTAR PERUSAHAAN (TDP)", "PERIZINAN USAHA", 7, 5, "TDP"),
        new(45, "PERSETUJUAN BANGUNAN GEDUNG (PBG)", "PERIZINAN BANGUNAN", 30, 0, "PBG"),
        new(23, "IZIN PRAKTEK DOKTER UMUM", "PERIZINAN KESEHATAN", 14, 5, "SIPD"),
        new(24, "IZIN PRAKTEK BIDAN", "PERIZINAN KESEHATAN", 14, 5, "SIPB"),
        new(29, "IZIN APOTEK", "PERIZINAN KESEHATAN", 14, 5, "SIA"),
        new(51, "IZIN REKLAME", "PERIZINAN REKLAME", 7, 1, "KK"),
        new(63, "TANDA DAFTAR USAHA PARIWISATA (TDUP)", "PERIZINAN PARIWISATA", 14, 0, "TDUP"),
    ];

    private static readonly string[] Men = ["MALEM", "SURANTA", "DARWIN", "PETRUS", "JUSMIN", "SEMPA", "TEGUH", "BENYAMIN", "RUDI", "ERWIN", "NGAJAR", "ANDREAS", "SIMSON", "KENCANA"];
    private static readonly string[] Women = ["RASMITA", "NETTY", "HERLINA", "ROSTIAWANI", "NURHAYATI", "LISKEN", "RAMONA", "SRI ULINA", "NGEMASI", "ROSMAWATI", "DAME", "MERIATI"];
    private static readonly string[] Marga =
    [
        "GINTING", "SEMBIRING", "TARIGAN", "KARO-KARO", "PERANGIN-ANGIN", "SITEPU", "BARUS", "SURBAKTI", "SINULINGGA", "MILALA",
        "MELIALA", "BRAHMANA", "BANGUN", "KELIAT", "SINURAYA", "KABAN", "PELAWI", "DEPARI", "KACARIBU", "SEBAYANG", "PANDIA", "PURBA",
    ];

    private static readonly (string Kelurahan, string Kecamatan)[] Places =
    [
        ("GUNG LETO", "KABANJAHE"), ("PADANG MAS", "KABANJAHE"), ("LAU CIMBA", "KABANJAHE"), ("KAMPUNG DALAM", "KABANJAHE"),
        ("GUNG NEGERI", "KABANJAHE"), ("GUNDALING I", "BERASTAGI"), ("GUNDALING II", "BERASTAGI"), ("TAMBAK LAU MULGAP I", "BERASTAGI"),
        ("DOULU", "BERASTAGI"), ("GURUSINGA", "BERASTAGI"), ("SUKA", "TIGAPANAH"), ("SUKADAME", "TIGAPANAH"), ("SURBAKTI", "SIMPANG EMPAT"),
        ("MERDEKA", "MERDEKA"), ("TIGABINANGA", "TIGABINANGA"), ("MUNTE", "MUNTE"), ("BARUSJAHE", "BARUSJAHE"), ("MEREK", "MEREK"),
    ];

    private static readonly string[] Streets =
    [
        "JL. VETERAN", "JL. JAMIN GINTING", "JL. KAPTEN PALA BANGUN", "JL. SUDIRMAN", "JL. PAHLAWAN", "JL. KOTA CANE", "JL. SAMURA",
        "JL. GUNDALING", "JL. PERWIRA", "JL. MERIAM GINTING",
    ];

    private static readonly string[] Businesses =
    [
        "SIBAYAK", "SINABUNG", "MALEM JAYA", "KARO INDAH", "BERKAT", "MEJUAH-JUAH", "SEHAT SELALU", "CAFÉ & RESTO SIBAYAK", "TANAH KARO SIMALEM",
    ];

    private static readonly string[] MobilePrefixes = ["812", "813", "821", "822", "852", "853", "811", "877", "878", "896", "823"];
    private static readonly string[] Roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];

    private List<SiCantikApplication> Generate(int issued, int inProcess, DateOnly today)
    {
        var received = Enumerable.Range(0, issued).Select(_ => (Issued: true, On: today.AddDays(-random.Next(20, 400))))
            .Concat(Enumerable.Range(0, inProcess).Select(_ => (Issued: false, On: today.AddDays(-random.Next(0, 30)))))
            .OrderBy(r => r.On).ToList();
        var result = new List<SiCantikApplication>(received.Count);
        var sequences = new Dictionary<int, int>();
        foreach (var (isIssued, on) in received)
        {
            var sequence = sequences[on.Year] = sequences.GetValueOrDefault(on.Year) + 1;
            var application = NewApplication(sequence, on, PermitTypes[random.Next(PermitTypes.Count)], null, null);
            var steps = isIssued ? IssuedAt - 1 : random.Next(IssuedAt);
            application.History.AddRange(Workflow.Take(steps + 1));
            if (!isIssued && random.Next(8) == 0)
            {
                application.History.Add(Rejected);
            }

            result.Add(application);
        }

        // Permits are numbered in the order they were signed.
        var toIssue = result.Where((_, i) => received[i].Issued)
            .Select(a => (Application: a, On: Min(a.Received.AddDays(a.Type.Days + random.Next(0, 15)), today)))
            .OrderBy(x => x.On).ToList();
        applications = result;
        foreach (var (application, on) in toIssue)
        {
            DateOnly? expires = random.Next(10) switch
            {
                < 3 => today.AddDays(random.Next(3, 90)), // reminders are due soon
                _ => null,
            };
            IssueNow(application, on, expires);
            application.BerlakuIzin = random.Next(12) == 0 ? "" : application.BerlakuIzin;
            if (random.Next(5) == 0)
            {
                application.History.Add(Workflow[IssuedAt + 1]);
            }
        }

        return result;
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private SiCantikApplication NewApplication(int sequence, DateOnly received, SiCantikPermitType type, string? name, string? phone)
    {
        var woman = random.Next(2) == 0;
        var marga = Marga[random.Next(Marga.Length)];
        var person = woman ? $"{Women[random.Next(Women.Length)]} BR {marga}" : $"{Men[random.Next(Men.Length)]} {marga}";
        var doctor = type.Code is "SIPD";
        var place = Places[random.Next(Places.Length)];
        var town = place.Kecamatan is "KABANJAHE" or "BERASTAGI";
        var requestType = random.Next(6) switch { 0 => 2, 1 => 3, _ => 1 };
        var business = Businesses[random.Next(Businesses.Length)];
        return new SiCantikApplication
        {
            Id = ++lastId,
            PendaftaranId = string.Create(CultureInfo.InvariantCulture, $"{sequence:00000}{type.Id:000}{requestType:00}{received.Month:00}{received.Year:0000}"),
            Name = name ?? (doctor ? "dr. " + person : person),
            Address = town ? $"{Streets[random.Next(Streets.Length)]} NO. {random.Next(1, 160)}" : $"DESA {place.Kelurahan}",
            Phone = phone ?? Phone(),
            Type = type,
            Received = received,
            CompanyName = type.Group is "PERIZINAN KESEHATAN" ? $"PRAKTEK {person}"
                : random.Next(4) switch { 0 => "CV. ", 1 => "UD. ", 2 => "TOKO ", _ => "PT. " } + business,
            Npwp = string.Create(CultureInfo.InvariantCulture,
                $"{random.Next(1, 99):00}.{random.Next(1000):000}.{random.Next(1000):000}.{random.Next(10)}-{random.Next(100, 130):000}.000"),
            CompanyAddress = $"{Streets[random.Next(Streets.Length)]} NO. {random.Next(1, 160)}, {place.Kecamatan}",
            CompanyPhone = random.Next(3) == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"(0628) {random.Next(20000, 329999)}"),
            Founded = random.Next(4) == 0 ? "0000-00-00" : Date(received.AddDays(-random.Next(100, 7000))),
            Kelurahan = place.Kelurahan,
            Kecamatan = place.Kecamatan,
        };
    }

    /// <summary>A phone number the way counter staff type one: with dashes, spaces, a country code, two numbers, a landline or nothing.</summary>
    private string Phone()
    {
        var a = Mobile();
        var plain = "0" + a;
        return random.Next(20) switch
        {
            < 7 => plain,
            < 10 => $"0{a[..3]}-{a[3..7]}-{a[7..]}",
            < 12 => $"+62 {a[..3]} {a[3..7]} {a[7..]}",
            < 14 => "62" + a,
            14 => $"0{a[..3]} {a[3..7]} {a[7..]} / 0{Mobile()}",
            15 => $"{plain}, 0{Mobile()}",
            16 => string.Create(CultureInfo.InvariantCulture, $"(0628) {random.Next(20000, 32999)}"),
            17 => $"0{a[..3]} {a[3..7]} {a[7..]}",
            _ => "",
        };
    }

    private string Mobile() =>
        MobilePrefixes[random.Next(MobilePrefixes.Length)] + random.Next(10_000_000, 100_000_000).ToString(CultureInfo.InvariantCulture);

    private static string PermitNumber(SiCantikPermitType type, int number, DateOnly on) => type.Code switch
    {
        "KK" => string.Create(CultureInfo.InvariantCulture, $"503.530.570/{number:0000}/DPMPPTSP-DS/{on.Month:00}/{on.Year}/KK"),
        "TDP" => string.Create(CultureInfo.InvariantCulture, $"503/{number:0000}/{Roman[on.Month - 1]}/TDP-PO/DPM-PPTSP/{on.Year}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"503/{number:0000}/{type.Code}/DPM-PTSP/{on.Year}"),
    };
}
