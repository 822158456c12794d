namespace Kabar.Simulator;

/// <summary>One row of SiCantik's <c>trperizinan</c>, with how the simulator numbers its permits.</summary>
/// <param name="Id">The type's id, also digits 6–8 of a <c>pendaftaran_id</c>.</param>
/// <param name="Name">As SiCantik spells it, upper case.</param>
/// <param name="Group">The <c>trkelompok_perizinan</c> name.</param>
/// <param name="Days">The service level in days (<c>v_hari</c>).</param>
/// <param name="ValidYears">How long an issued permit runs; 0: it never expires (<c>0000-00-00</c>).</param>
/// <param name="Code">The permit-number style: <c>KK</c>, <c>TDP</c> or a code such as <c>SIPD</c>.</param>
internal sealed record SiCantikPermitType(int Id, string Name, string Group, int Days, int ValidYears, string Code);
