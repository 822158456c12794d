using Kabar.Common;

namespace Kabar.Transfers;

/// <summary>
/// The outcome of a contact import. <see cref="Created"/> + <see cref="Updated"/> + <see cref="Unchanged"/>
/// + <see cref="Rejected"/> = <see cref="Rows"/>; <see cref="Notes"/> are rows that went in with
/// something the office should know (an older consent not recorded because the ledger has a newer one).
/// </summary>
public sealed record ContactImportReport(
    int Rows,
    int Created,
    int Updated,
    int Unchanged,
    int Rejected,
    int ConsentsRecorded,
    int PermitsCreated,
    int PermitsUpdated,
    bool DryRun,
    IReadOnlyList<ImportRowError> Errors,
    IReadOnlyList<ImportRowError> Notes);
