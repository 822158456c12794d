namespace Kabar.Simulator;

/// <summary>One application in the simulated back office: the joined rows of <c>tmpermohonan</c>, its applicant, tracking and permit.</summary>
internal sealed class SiCantikApplication
{
    public required long Id { get; init; }
    public required string PendaftaranId { get; init; }
    public required string Name { get; init; }
    public required string Address { get; init; }
    public required string Phone { get; set; }
    public required SiCantikPermitType Type { get; init; }
    public required DateOnly Received { get; init; }

    /// <summary>The tracking entries so far, oldest first; the last is the current step.</summary>
    public List<SiCantikStep> History { get; } = [];

    /// <summary><c>c_izin_selesai = 1</c>: listed in terbit, no longer in proses.</summary>
    public bool Issued { get; set; }

    public string? NoSurat { get; set; }
    public DateOnly? TglSurat { get; set; }

    /// <summary>As stored: a date, <c>0000-00-00</c> or empty.</summary>
    public string? BerlakuIzin { get; set; }

    public string CompanyName { get; init; } = "";
    public string Npwp { get; init; } = "";
    public string CompanyAddress { get; init; } = "";
    public string CompanyPhone { get; init; } = "";
    public string Founded { get; init; } = "";
    public string Kelurahan { get; init; } = "";
    public string Kecamatan { get; init; } = "";

    public SiCantikStep Current => History[^1];

    /// <summary>What <c>cekperizinan</c> matches: base64 of the UTF-8 permit number, standard alphabet with padding.</summary>
    public string? NoIzin => NoSurat is null ? null : Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(NoSurat));

    public SiCantikApplicationView View() => new(PendaftaranId, Name, Phone, Type.Name, SiCantikSimulator.Date(Received),
        Current.Id, Current.Name, Issued, NoSurat, NoIzin, TglSurat is { } t ? SiCantikSimulator.Date(t) : null, BerlakuIzin);
}
