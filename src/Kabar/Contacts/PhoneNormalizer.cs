using PhoneNumbers;

namespace Kabar.Contacts;

/// <summary>
/// Phone parsing with libphonenumber, default region Indonesia: <c>0812-3456-7890</c>,
/// <c>+62 812 3456 7890</c> and <c>6281234567890</c> all become <c>+6281234567890</c>.
/// </summary>
public sealed class PhoneNormalizer(string defaultRegion = "ID")
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public const string AcceptedForm = "an Indonesian mobile number such as 0812-3456-7890, or the international form +6281234567890";

    public string DefaultRegion { get; } = defaultRegion;

    /// <summary>The E.164 form, or null when the text is not a valid number.</summary>
    public string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return null;
        }

        var trimmed = text.Trim();
        try
        {
            var number = Util.Parse(trimmed, DefaultRegion);
            if (!Util.IsValidNumber(number))
            {
                // WhatsApp ids and exports often come without '+': 6281234567890.
                if (!trimmed.StartsWith('+') && trimmed.All(c => char.IsAsciiDigit(c)) && trimmed.Length >= 10)
                {
                    number = Util.Parse("+" + trimmed, DefaultRegion);
                    if (!Util.IsValidNumber(number))
                    {
                        return null;
                    }
                }
                else
                {
                    return null;
                }
            }

            return Util.Format(number, PhoneNumberFormat.E164);
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>The E.164 form of a WhatsApp id (<c>6281234567890</c>), which always carries its country code.</summary>
    public static string? FromWaId(string? waId)
    {
        if (string.IsNullOrWhiteSpace(waId) || !waId.All(char.IsAsciiDigit) || waId.Length is < 8 or > 15)
        {
            return null;
        }

        try
        {
            var number = Util.Parse("+" + waId, "ZZ");
            return Util.IsValidNumber(number) ? Util.Format(number, PhoneNumberFormat.E164) : "+" + waId;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>The ISO region of an E.164 number (<c>ID</c>), or null.</summary>
    public static string? RegionOf(string? e164)
    {
        if (string.IsNullOrEmpty(e164))
        {
            return null;
        }

        try
        {
            return Util.GetRegionCodeForNumber(Util.Parse(e164, "ZZ"));
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>
    /// The ISO region of an E.164 number that can take an SMS (a mobile number), or null for a
    /// landline, a toll-free or premium number, or no number: SMS goes to mobiles only.
    /// </summary>
    public static string? SmsRegionOf(string? e164)
    {
        if (string.IsNullOrEmpty(e164))
        {
            return null;
        }

        try
        {
            var number = Util.Parse(e164, "ZZ");
            return Util.GetNumberType(number) is PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE
                ? Util.GetRegionCodeForNumber(number)
                : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>
    /// A request names a person by <c>contactId</c> or by <c>phone</c>: checks that one is given and
    /// the phone is usable, adding field errors; returns the normalised phone when no id was given.
    /// </summary>
    public string? NormalizeReference(Guid? contactId, string? phone, Common.FieldErrors errors)
    {
        if (contactId is not null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(phone))
        {
            errors.Add("contactId", "Give either contactId or phone.");
            return null;
        }

        var normalized = Normalize(phone);
        if (normalized is null)
        {
            errors.Add("phone", $"Not a usable phone number. Use {AcceptedForm}.");
        }

        return normalized;
    }
}
