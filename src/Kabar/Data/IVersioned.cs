namespace Kabar.Data;

/// <summary>
/// A row that several writers touch (the dispatcher, status webhooks): <see cref="Version"/> is a
/// concurrency token that <see cref="KabarDbContext"/> increments on every update, so a lost race
/// surfaces as a retryable conflict instead of a silent overwrite.
/// </summary>
public interface IVersioned
{
    int Version { get; set; }
}
