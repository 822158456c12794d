using Kabar.Common;
using Microsoft.Extensions.Options;

namespace Kabar.Contacts;

public static class ContactExtensions
{
    /// <summary>Contacts' phone numbers, normalized to E.164 in the office's default region (<c>Kabar:Policy:DefaultRegion</c>).</summary>
    public static IHostApplicationBuilder AddKabarContacts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new PhoneNormalizer(sp.GetRequiredService<IOptions<PolicyOptions>>().Value.DefaultRegion));
        return builder;
    }
}
