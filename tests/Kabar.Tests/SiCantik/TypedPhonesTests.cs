using Kabar.Contacts;
using Kabar.SiCantik;

namespace Kabar.Tests.SiCantik;

/// <summary>Phone fields as counter staff type them into SiCantik.</summary>
public sealed class TypedPhonesTests
{
    private static readonly PhoneNormalizer Phones = new();

    [Theory]
    [InlineData("0812-3456-7890", "+6281234567890", 0)]
    [InlineData("+62 812 3456 7890", "+6281234567890", 0)]
    [InlineData("6281234567890", "+6281234567890", 0)]
    [InlineData(" 0812 3456 7890 / 0813-1111-2222 ", "+6281234567890", 1)]
    [InlineData("081234567890, 081311112222", "+6281234567890", 1)]
    [InlineData("081234567890 081311112222", "+6281234567890", 1)]
    [InlineData("(061) 4567890 / 0813-1111-2222", "+6281311112222", 1)]
    [InlineData("HP: 0812-3456-7890; WA 0813 1111 2222", "+6281234567890", 1)]
    public void FirstMobile_IsTaken_TheRestCounted(string typed, string mobile, int others)
    {
        var reading = TypedPhones.Read(typed, Phones);

        Assert.Equal(mobile, reading.Mobile);
        Assert.Equal(others, reading.Others);
        Assert.Null(reading.Problem);
    }

    [Theory]
    [InlineData(null, "no phone number in SiCantik")]
    [InlineData("  ", "no phone number in SiCantik")]
    [InlineData("(061) 4567890", "only a landline in SiCantik, no mobile number")]
    [InlineData("-", "the phone field in SiCantik is not a phone number")]
    [InlineData("belum ada", "the phone field in SiCantik is not a phone number")]
    public void NoMobile_SaysWhy(string? typed, string problem)
    {
        var reading = TypedPhones.Read(typed, Phones);

        Assert.Null(reading.Mobile);
        Assert.Equal(problem, reading.Problem);
    }
}
