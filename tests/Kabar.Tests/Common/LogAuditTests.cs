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
}
