namespace Kabar.Transfers;

public static class TransferExtensions
{
    /// <summary>Contact imports and signed contact exports.</summary>
    public static IHostApplicationBuilder AddKabarTransfers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<ExportOptions>().BindConfiguration(ExportOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.SigningKey) || IsP256(o.SigningKey),
                "Kabar:Exports:SigningKey must be a PEM ECDSA P-256 private key (-----BEGIN PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----).");
        builder.Services.AddSingleton<ExportSigningKey>();
        builder.Services.AddSingleton<ContactExporter>();
        builder.Services.AddSingleton<ContactImporter>();
        return builder;
    }

    private static bool IsP256(string pem)
    {
        try
        {
            using var key = ExportSigningKey.FromPem(pem);
            key.ExportPkcs8PrivateKey();
            return true;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}
