namespace Kabar.Permits;

/// <summary>Addresses (http or https) that the permit's notifications link to.</summary>
/// <param name="Download">Where the issued permit can be downloaded (permit_ready, permit_renewal_approved).</param>
/// <param name="Renewal">Where to apply for renewal (permit_expiry_warning).</param>
/// <param name="Detail">The application's page in the permit system (status_update).</param>
public sealed record PermitLinks(string? Download, string? Renewal, string? Detail);
