using System.Globalization;

namespace Kabar.Simulator;

/// <summary>
/// The endpoints of SiCantik's <c>api.php</c>, answering as its queries and PHP do, quirks included:
/// a falsy <c>limit</c>/<c>offset</c> only sets a 404 header that a later answer overwrites, a broken
/// SQL query is a fatal error with an empty body, and <c>num_rows</c> comes from a different count query.
/// </summary>
internal sealed partial class SiCantikSimulator
{
    /// <summary>The endpoints, lower-case (PHP's method lookup ignores case).</summary>
    public static readonly IReadOnlySet<string> Endpoints = new HashSet<string>(StringComparer.Ordinal)
    {
        "listpermohonanproses", "listpermohonanterbit", "listpermohonanambil", "cekperizinan", "permohonan", "permohonan2",
        "jenisperizinanlist", "jumlahperizinan",
    };

    // The proses count query keeps only applications whose latest status is one of these.
    private static readonly int[] CountedInProcess = [1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 18];

    /// <summary>The answer of <paramref name="endpoint"/> (one of <see cref="Endpoints"/>) to the request's arguments.</summary>
    internal SiCantikReply Answer(string endpoint, IReadOnlyDictionary<string, string> args, SiCantikFaults current)
    {
        lock (gate)
        {
            return endpoint switch
            {
                "listpermohonanproses" => List(args, current, a => !a.Issued, a => !a.Issued && CountedInProcess.Contains(a.Current.Id), false),
                // The real count query asks c_izin_selesai = 0: terbit's num_rows counts the applications in process.
                "listpermohonanterbit" => List(args, current, a => a.Issued && a.Current.Id is 12 or 17 or 14, a => !a.Issued, true),
                "listpermohonanambil" => List(args, current, a => !a.Issued && a.Current.Id == 14, a => !a.Issued && a.Current.Id == 14, false),
                "cekperizinan" => Rows(IssuedByNoIzin(args.GetValueOrDefault("no_izin")).Select(Permit)),
                "permohonan" => Rows(applications.Where(a => a.PendaftaranId == args.GetValueOrDefault("pendaftaran")).Select(Application)),
                "permohonan2" => Tracking(args.GetValueOrDefault("pendaftaran")?.Trim()),
                "jenisperizinanlist" => Rows(PermitTypes.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).Select(t => new SiCantikRow
                {
                    { "id", Text(t.Id) }, { "jenis_perizinan", t.Name }, { "kelompok_izin", t.Group }, { "v_hari", Text(t.Days) },
                })),
                "jumlahperizinan" => new SiCantikReply(200, new List<SiCantikRow> { new() { { "jumlahPerizinan", PermitTypes.Count } } }),
                _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, "Not a SiCantik endpoint."),
            };
        }
    }

    private static SiCantikReply Rows(IEnumerable<SiCantikRow> rows) => SiCantikReply.Rows(rows.ToList());

    /// <summary>
    /// The issued permits whose base64 number is <paramref name="noIzin"/>, in the order they were
    /// stored, from an index made on the first lookup after a change: a backfill asks once per
    /// permit, and comparing with every application each time made the simulator, not the
    /// connector, what a large backfill waited for.
    /// </summary>
    private IEnumerable<SiCantikApplication> IssuedByNoIzin(string? noIzin)
    {
        issuedByNoIzin ??= applications.Where(a => a.Issued && a.NoIzin is not null).ToLookup(a => a.NoIzin!, StringComparer.Ordinal);
        return noIzin is null ? [] : issuedByNoIzin[noIzin];
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>PHP's <c>!$value</c>: missing, empty or "0".</summary>
    private static bool Falsy(string? value) => string.IsNullOrEmpty(value) || value == "0";

    private SiCantikReply List(IReadOnlyDictionary<string, string> args, SiCantikFaults current,
        Func<SiCantikApplication, bool> where, Func<SiCantikApplication, bool> counted, bool withNumber)
    {
        var limit = args.GetValueOrDefault("limit");
        var offset = args.GetValueOrDefault("offset");
        // A server whose `!$value` check stops the request (the office's notes): PHP's "0" is falsy,
        // "00" is not, and MySQL reads both as 0.
        if (current.OffsetZero && offset == "0")
        {
            return SiCantikReply.Empty(400);
        }

        // `LIMIT {offset}, {limit}` with a missing, empty or non-numeric value is an SQL error, so a
        // fatal error: 500, unless the early `!$value` check already set 404.
        var early = Falsy(limit) || Falsy(offset);
        if (!Numeric(limit, out var take) || !Numeric(offset, out var skip))
        {
            return SiCantikReply.Empty(early ? 404 : 500);
        }

        var count = Text(applications.Count(counted));
        return Rows(Newest(applications.Where(where)).Skip(skip).Take(take).Select(a =>
        {
            var row = new SiCantikRow { { "pendaftaran_id", a.PendaftaranId }, { "n_pemohon", a.Name }, { "n_perizinan", a.Type.Name } };
            if (withNumber)
            {
                row.Add("no_surat", a.NoSurat);
            }

            row.Add("num_rows", count);
            return row;
        }));
    }

    private static bool Numeric(string? value, out int number)
    {
        number = 0;
        if (string.IsNullOrEmpty(value) || !value.All(char.IsAsciiDigit))
        {
            return false;
        }

        number = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? (int)Math.Min(n, int.MaxValue) : int.MaxValue;
        return true;
    }

    private static SiCantikRow Permit(SiCantikApplication a) => new()
    {
        { "pendaftaran_id", a.PendaftaranId }, { "n_pemohon", a.Name }, { "n_perizinan", a.Type.Name }, { "no_surat", a.NoSurat },
        { "d_terima_berkas", Date(a.Received) }, { "d_berlaku_izin", a.BerlakuIzin }, { "a_pemohon", a.Address },
        { "telp_pemohon", a.Phone }, { "tgl_surat", a.TglSurat is { } t ? Date(t) : null }, { "n_perusahaan", a.CompanyName },
        { "npwp", a.Npwp }, { "a_perusahaan", a.CompanyAddress }, { "d_tgl_berdiri", a.Founded }, { "i_telp_perusahaan", a.CompanyPhone },
        { "n_kecamatan", a.Kecamatan }, { "n_kabupaten", "KARO" }, { "n_propinsi", "SUMATERA UTARA" }, { "n_kelurahan", a.Kelurahan },
    };

    private static SiCantikRow Application(SiCantikApplication a) => new()
    {
        { "id", Text(a.Id) }, { "no_pendaftaran", a.PendaftaranId }, { "nama", a.Name }, { "telp", a.Phone }, { "alamat", a.Address },
        { "permohonan", a.Type.Name }, { "tracking", a.Current.Name },
    };

    /// <summary>
    /// <c>permohonan2</c>: the tracking so far, the last entry marked <c>current</c> (the PHP int 1),
    /// then the workflow's later steps. The id is compared unquoted, as a number: a non-numeric id
    /// is an SQL error and an unknown one breaks the follow-up query, both a fatal error (500, empty).
    /// </summary>
    private SiCantikReply Tracking(string? id)
    {
        if (id is null || Falsy(id))
        {
            return SiCantikReply.Empty(404);
        }

        if (!id.All(char.IsAsciiDigit))
        {
            return SiCantikReply.Empty(500);
        }

        var number = id.TrimStart('0');
        var a = applications.FirstOrDefault(x => x.PendaftaranId.AsSpan().TrimStart('0').SequenceEqual(number));
        if (a is null)
        {
            return SiCantikReply.Empty(500);
        }

        SiCantikRow Step(SiCantikStep s) => new()
        {
            { "pendaftaran_id", a.PendaftaranId }, { "n_pemohon", a.Name }, { "a_pemohon", a.Address }, { "telp_pemohon", a.Phone },
            { "n_sts_permohonan", s.Name }, { "n_perizinan", a.Type.Name }, { "trstspermohonan_id", Text(s.Id) },
        };

        var rows = a.History.Select(Step).ToList();
        rows[^1].Add("current", 1);
        var at = Workflow.ToList().IndexOf(a.Current);
        rows.AddRange((at < 0 ? [] : Workflow.Skip(at + 1)).Select(Step));
        return new SiCantikReply(200, rows);
    }
}
