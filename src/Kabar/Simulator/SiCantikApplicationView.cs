namespace Kabar.Simulator;

/// <summary>An application as the control API shows it; <see cref="NoIzin"/> is what <c>cekperizinan</c> takes.</summary>
internal sealed record SiCantikApplicationView(string PendaftaranId, string Name, string Phone, string PermitType, string Received,
    int StepId, string StepName, bool Issued, string? NoSurat, string? NoIzin, string? TglSurat, string? BerlakuIzin);
