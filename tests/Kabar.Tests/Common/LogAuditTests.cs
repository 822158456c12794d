using Kabar.Common;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Common;

/// <summary>The audit every test host runs on its logs: it must see what Kabar's masking must hide.</summary>
public sealed class LogAuditTests
{
    [Theory]
    [InlineData("sent to +6281234567890")]
    [InlineData("wa_id 6281234567890 replied")]
    [InlineData("form phone=0812-3456-7890")]
    [InlineData("GET /x?phone=%2B6281234567890")]
    [InlineData("mail to siti.aminah@example.id failed")]
    [InlineData("GET /admin/login?email=kepala%40karokab.go.id")]
    public void Audit_FlagsALineInTheClear(string line) => Assert.Single(LogAudit.Unmasked([line]));

    [Theory]
    [InlineData("sent to +6281234567890")]
    [InlineData("wa_id 6281234567890 replied")]
    [InlineData("form phone=0812-3456-7890")]
    [InlineData("GET /x?phone=%2B6281234567890")]
    [InlineData("mail to siti.aminah@example.id failed")]
    [InlineData("GET /admin/login?email=kepala%40karokab.go.id")]
    public void KabarsMasking_PassesTheAudit(string line) => Assert.Empty(LogAudit.Unmasked([Pii.MaskText(line)]));

    [Theory]
    [InlineData("attempt 0f8fad5b-d9cb-469f-a165-70867728950e wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ")]
    [InlineData("job took 1764046800123 ticks, 20261125 run")]
    public void Audit_LeavesIdsAlone(string line) => Assert.Empty(LogAudit.Unmasked([line]));

    // Dates in log lines (Data Protection's key dates, a permit's expiry) are no phone number either.
    [Theory]
    [InlineData("Creating key with creation date 2026-11-25 21:30:28Z, and expiration date 2027-02-23 21:30:28Z.")]
    [InlineData("reminder for the permit expiring 25-11-2026 08:00 sent")]
    public void Dates_AreNeitherMaskedNorFlagged(string line)
    {
        Assert.Equal(line, Pii.MaskText(line));
        Assert.Empty(LogAudit.Unmasked([line]));
    }

    // A GUID's groups (0892-4905-8791) are no phone number: neither the masking nor the audit touches them.
    [Theory]
    [InlineData("Key {fb5d85c7-0892-4905-8791-fb5b8c1d3c80} may be persisted")]
    [InlineData("attempt 08123456-7890-4905-8791-fb5b8c1d3c80 sent")]
    public void Guids_AreNeitherMaskedNorFlagged(string line)
    {
        Assert.Equal(line, Pii.MaskText(line));
        Assert.Empty(LogAudit.Unmasked([line]));
    }
}
