using Kabar.Common;

namespace Kabar.Notifications;

/// <summary>
/// Serving refuses a template catalog with problems, naming each (the file, the type, the language,
/// what to change). Commands are not refused: <c>kabar whatsapp check</c> lists the same problems
/// as its <c>catalog</c> lines, so the office can see them all before it starts Kabar again.
/// </summary>
internal sealed class TemplateCatalogCheck(TemplateCatalog catalog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => catalog.Problems.Count == 0
        ? Task.CompletedTask
        : throw new KabarConfigurationException(string.Join(Environment.NewLine,
            catalog.Problems.Select(p => $"Kabar:WhatsApp:TemplateCatalog ({catalog.Path}): {p}")));

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
