using Kabar.Auth;
using Kabar.Common;
using Kabar.Data;
using Kabar.Notifications;
using Kabar.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.WhatsApp;

/// <summary>
/// The business numbers' dispatch state: <c>GET /api/whatsapp/numbers</c>, and
/// <c>POST /api/whatsapp/numbers/{id}/resume</c> after an operator fixed an account-level problem.
/// </summary>
public static class SenderNumbersApi
{
    /// <summary>A business number's dispatch state.</summary>
    /// <param name="PhoneNumberId">Meta's id of the business number.</param>
    /// <param name="DisplayPhoneNumber">The number as people see it, when configured.</param>
    /// <param name="MessagesPerSecond">The most messages per second Kabar sends from it.</param>
    /// <param name="Paused">Whether its dispatch is paused after an account-level error; its queue waits until resumed.</param>
    /// <param name="PausedAt">When it paused, ISO 8601 UTC.</param>
    /// <param name="PauseCode">The Meta error code that paused it.</param>
    /// <param name="PauseReason">Why it paused, in words.</param>
    /// <param name="LeaseHolder">The Kabar process that dispatches for it now, when one holds the lease.</param>
    /// <param name="LeaseUntil">Until when that process holds the lease, ISO 8601 UTC.</param>
    public sealed record NumberState(string PhoneNumberId, string? DisplayPhoneNumber, int MessagesPerSecond,
        bool Paused, DateTime? PausedAt, int? PauseCode, string? PauseReason, string? LeaseHolder, DateTime? LeaseUntil);

    public static IEndpointRouteBuilder MapSenderNumbers(this IEndpointRouteBuilder app)
    {
        var numbers = app.MapGroup("/api/whatsapp/numbers").WithTags("WhatsApp");
        numbers.MapGet("/", ListNumbers).RequireAuthorization(ApiAuth.ReadPolicy)
            .WithSummary("Business numbers with their rate, limit and any pause");
        numbers.MapPost("/{phoneNumberId}/resume", Resume).RequireAuthorization(ApiAuth.WritePolicy)
            .WithSummary("Resume a paused business number")
            .WithDescription("A number pauses on an account, token, billing or policy error from Meta; its queue waits. Resume it once the cause is fixed.")
            .Answers(Problems.NotFound("No business number 106540352242922 has dispatched yet."));
        return app;
    }

    private static async Task<Ok<List<NumberState>>> ListNumbers(KabarDbContext db,
        IOptions<WhatsAppOptions> options, CancellationToken ct)
    {
        var rows = await db.SenderNumbers.AsNoTracking().ToDictionaryAsync(s => s.PhoneNumberId, ct);
        return TypedResults.Ok(options.Value.EffectiveNumbers.Select(n =>
        {
            var row = rows.GetValueOrDefault(n.PhoneNumberId);
            return new NumberState(n.PhoneNumberId, n.DisplayPhoneNumber, n.MessagesPerSecond, row?.PausedAt is not null,
                row?.PausedAt, row?.PauseCode, row?.PauseReason, row?.LeaseHolder, row?.LeaseUntil);
        }).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Resume(string phoneNumberId, KabarDbContext db,
        DispatchSignal signal, TimeProvider time, CancellationToken ct) =>
        await ResumeNumberAsync(db, signal, time, phoneNumberId, ct)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No business number {phoneNumberId} has dispatched yet.");

    /// <summary>Lifts a number's pause; what waited for it goes now. False when the number never dispatched.</summary>
    public static async Task<bool> ResumeNumberAsync(KabarDbContext db, DispatchSignal signal, TimeProvider time, string phoneNumberId, CancellationToken ct)
    {
        var resumed = await db.SenderNumbers.Where(s => s.PhoneNumberId == phoneNumberId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.PausedAt, (DateTime?)null).SetProperty(x => x.PauseCode, (int?)null)
                .SetProperty(x => x.PauseReason, (string?)null), ct);
        if (resumed == 0)
        {
            return false;
        }

        await db.Notifications.Where(n => n.PhoneNumberId == phoneNumberId && n.State == NotificationState.Queued && n.LockedUntil == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.DueAt, time.GetUtcNow().UtcDateTime).SetProperty(n => n.Version, n => n.Version + 1), ct);
        signal.Wake();
        return true;
    }
}
