using Kabar.Common;
using Kabar.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kabar.Tests.Common;

/// <summary>SPEC §11: no sink ever sees a phone number or e-mail address unmasked, exceptions included.</summary>
public sealed class MaskingLoggerTests
{
    [Fact]
    public void EveryProvider_GetsMaskedMessagesValuesAndExceptions()
    {
        var captured = new CapturedLogs();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(captured));
        MaskingLoggerProvider.AddTo(services);
        using var provider = services.BuildServiceProvider();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("test");

        logger.LogWarning(new InvalidOperationException("SMS to +6281234567890 for siti@example.id failed"),
            "Sending to {Phone} ({Email}) failed", "+6281234567890", "siti@example.id");

        var line = Assert.Single(captured.Lines);
        Assert.DoesNotContain("34567890", line);
        Assert.DoesNotContain("siti@", line);
        Assert.Contains("+62812****7890", line);
        Assert.Contains("s***@example.id", line);
        Assert.Contains(nameof(InvalidOperationException), line);
    }
}
