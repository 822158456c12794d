using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Jobs;
using Kabar.Notifications;
using Kabar.Permits;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Permits;

/// <summary>Posts permits and runs the scheduler's jobs of a <see cref="KabarApp"/>.</summary>
public static class PermitSupport
{
    public static object Permit(string externalRef, string status, string phone, string? expiresOn = null, string? renewalOf = null,
        object? documents = null, string? issuedOn = "2026-11-25", string name = "Siti Aminah") => new
        {
            externalRef,
            permitNumber = $"503/{externalRef}",
            permitType = "Izin Usaha Mikro",
            status,
            holder = new { phone, name },
            issuedOn,
            expiresOn,
            renewalOf,
            links = new { download = "https://perizinan.example.id/unduh/1", renewal = "https://perizinan.example.id/perpanjang", detail = "https://perizinan.example.id/status/1" },
            documents,
        };

    /// <summary>Posts a permit and expects <paramref name="expected"/>; returns the response body.</summary>
    public static async Task<JsonElement> PostPermitAsync(this KabarApp app, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var api = app.Api();
        using var response = await api.PostAsJsonAsync("/api/permits", body);
        await Http.AssertStatusAsync(response, expected);
        return await KabarApp.ReadAsync<JsonElement>(response);
    }

    public static JobRunner Jobs(this KabarApp app) => app.Services.GetRequiredService<JobRunner>();

    public static Task<IReadOnlyList<JobRun>> RunDueJobsAsync(this KabarApp app) => app.Jobs().RunDueAsync(CancellationToken.None);

    public static async Task<JsonElement> RunJobAsync(this KabarApp app, string name)
    {
        using var api = app.Api();
        using var response = await api.PostAsync($"/api/jobs/{name}/run", null);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        return await KabarApp.ReadAsync<JsonElement>(response);
    }

    public static Task<List<Notification>> PermitNotificationsAsync(this KabarApp app, Guid permitId, string? type = null) =>
        app.WithDbAsync(d => d.Notifications.AsNoTracking().Where(n => n.PermitId == permitId && (type == null || n.Type == type))
            .OrderBy(n => n.CreatedAt).ToListAsync());

    public static WorkCalendar Calendar(this KabarApp app) => app.Services.GetRequiredService<WorkCalendar>();

    public static Dictionary<string, string> Params(this Notification n) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(n.ParamsJson)!;

    /// <summary>The clock at a local office time (WIB).</summary>
    public static DateTimeOffset Wib(int year, int month, int day, int hour, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.FromHours(7));
}
