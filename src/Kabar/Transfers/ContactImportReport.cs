using Kabar.Common;

namespace Kabar.Transfers;

/// <summary>
/// The outcome of a contact import. <see cref="Created"/> + <see cref="Updated"/> + <see cref="Unchanged"/>
/// + <see cref="Rejected"/> = <see cref="Rows"/>; <see cref="Notes"/> are rows that went in with
/// something the office should know (an older consent not recorded because the ledger has a newer one).
/// </summary>
/// <param name="Rows">Data rows read (the header not counted).</param>
/// <param name="Created">Rows that created a new contact.</param>
/// <param name="Updated">Rows that changed an existing contact (matched by phone).</param>
/// <param name="Unchanged">Rows that matched a contact and changed nothing.</param>
/// <param name="Rejected">Rows refused; <c>errors</c> says why, by line and column.</param>
/// <param name="ConsentsRecorded">Consent events appended to the ledger (source <c>import</c>).</param>
/// <param name="PermitsCreated">Permits created from the rows' permit columns.</param>
/// <param name="PermitsUpdated">Permits changed from the rows' permit columns.</param>
/// <param name="DryRun">true when called with <c>?dryRun=true</c>: the counts are what would happen; nothing was written.</param>
/// <param name="Errors">Why each rejected row was refused.</param>
/// <param name="Notes">Rows that went in with something the office should know, such as an older consent not recorded.</param>
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
