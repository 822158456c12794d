namespace Kabar.Permits;

/// <summary>
/// A permit as CSV columns, shared by <c>import permits</c> and the contact import: the request a
/// row stands for, and the column that holds each field a validation error names.
/// </summary>
public static class PermitCsvColumns
{
    private static readonly Dictionary<string, string> ColumnOfField = new(StringComparer.Ordinal)
    {
        ["externalRef"] = "external_ref",
        ["permitNumber"] = "permit_number",
        ["permitType"] = "permit_type",
        ["status"] = "status",
        ["issuedOn"] = "issued_on",
        ["expiresOn"] = "expires_on",
        ["renewalOf"] = "renewal_of",
        ["registrationId"] = "registration_id",
        ["links.download"] = "download_link",
        ["links.renewal"] = "renewal_link",
        ["links.detail"] = "detail_link",
    };

    /// <summary>The column of a field of <see cref="PermitRequest"/>; the holder's are <paramref name="holderPrefix"/> + phone, name, email, language.</summary>
    public static string ColumnOf(string field, string holderPrefix) => field switch
    {
        "holder" or "holder.phone" => holderPrefix + "phone",
        "holder.name" or "holder.email" or "holder.language" => holderPrefix + field["holder.".Length..],
        _ => ColumnOfField.GetValueOrDefault(field, field),
    };

    /// <summary>The permit request of a row, <paramref name="get"/> reading a column's trimmed value (null when empty or absent).</summary>
    public static PermitRequest Request(Func<string, string?> get, PersonRequest holder)
    {
        ArgumentNullException.ThrowIfNull(get);
        return new PermitRequest(get("external_ref"), get("permit_number"), get("permit_type"), get("status"), holder,
            get("issued_on"), get("expires_on"), get("renewal_of"), get("registration_id"),
            new PermitLinks(get("download_link"), get("renewal_link"), get("detail_link")), null);
    }
}
