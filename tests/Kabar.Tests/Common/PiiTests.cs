using Kabar.Common;
using Kabar.Contacts;

namespace Kabar.Tests.Common;

public sealed class PiiTests
{
    [Theory]
    [InlineData("+6281234567890", "+62812****7890")]
    [InlineData("6281234567890", "62812****7890")]
    [InlineData("081234567890", "08123****7890")]
    public void MaskPhone_KeepsCountryPrefixAndLastFour(string phone, string masked) =>
        Assert.Equal(masked, Pii.MaskPhone(phone));

    [Fact]
    public void MaskEmail_KeepsFirstLetterAndDomain() =>
        Assert.Equal("s***@example.id", Pii.MaskEmail("siti@example.id"));

    [Theory]
    [InlineData("sending to +6281234567890 now")]
    [InlineData("wa_id 6281234567890 replied")]
    [InlineData("call 0812-3456-7890 today")]
    [InlineData("call +62 812 3456 7890 today")]
    [InlineData("call 0812.3456.7890 today")]
    [InlineData("call 0812.34567890.")]
    [InlineData("mail siti.aminah@example.id failed")]
    [InlineData("System.Exception: bad number 081234567890 for siti@example.id")]
    [InlineData("GET /api/contacts?phone=%2B6281234567890")] // request logs: the query string stays URL-encoded
    [InlineData("GET /api/contacts?phone=%2b6281234567890&email=siti%40example.id")]
    public void MaskText_LeavesNoPhoneOrEmail(string text)
    {
        var masked = Pii.MaskText(text);
        Assert.DoesNotContain("34567890", masked.Replace("-", "").Replace(" ", ""));
        Assert.DoesNotContain("siti", masked.Replace("s***", ""));
    }

    [Theory]
    [InlineData("contact 01a212d6-9d72-7f92-a7da-5d14c934675d")]
    [InlineData("wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBMDI")]
    [InlineData("hash 3f2a9c0b1e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b")]
    [InlineData("took 1234 ms, 2026-11-25T03:00:00Z")]
    [InlineData("Creating key with creation date 2026-11-25 21:30:28Z")]
    [InlineData("reminder for the permit expiring 25-11-2026 08:00 sent")]
    [InlineData("Refused POST from 203.0.113.7: over the citizen-forms limit")] // a client's address stays readable
    [InlineData("client 192.168.100.200.")]
    [InlineData("proxy 10.0.0.1, client 172.16.254.1")]
    public void MaskText_LeavesIdsHashesAndTimesAlone(string text) => Assert.Equal(text, Pii.MaskText(text));

    [Fact]
    public void MaskText_KeepsTheEncodingOfAQueryString() =>
        Assert.Equal("?phone=%2B62812****7890&email=s***%40example.id", Pii.MaskText("?phone=%2B6281234567890&email=siti%40example.id"));
}

public sealed class PhoneNormalizerTests
{
    private static readonly PhoneNormalizer Phones = new("ID");

    [Theory]
    [InlineData("0812-3456-7890", "+6281234567890")]
    [InlineData("081234567890", "+6281234567890")]
    [InlineData("+62 812 3456 7890", "+6281234567890")]
    [InlineData("6281234567890", "+6281234567890")]
    [InlineData("(0812) 3456 7890", "+6281234567890")]
    [InlineData("+14155552671", "+14155552671")]
    public void Normalize_ToE164(string input, string expected) => Assert.Equal(expected, Phones.Normalize(input));

    [Theory]
    [InlineData("12")]
    [InlineData("0812")]
    [InlineData("not a number")]
    [InlineData("")]
    [InlineData("+99912345678")]
    public void Normalize_Unusable_IsNull(string input) => Assert.Null(Phones.Normalize(input));

    [Fact]
    public void FromWaId_AddsPlus() => Assert.Equal("+6281277770001", PhoneNormalizer.FromWaId("6281277770001"));

    [Fact]
    public void RegionOf_IndonesianNumber_IsID() => Assert.Equal("ID", PhoneNormalizer.RegionOf("+6281234567890"));
}
