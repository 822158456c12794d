using Cronos;
using Microsoft.Extensions.Options;

namespace Kabar.Jobs;

/// <summary>What a job run did: how many things it created and a one-line summary.</summary>
public sealed record JobOutcome(int Created, string Summary);

/// <summary>A named job Kabar runs on a schedule, at start when a run was missed, or on request.</summary>
public sealed record JobDefinition(string Name, string DefaultCron, Func<IServiceProvider, DateTime, CancellationToken, Task<JobOutcome>> Run);

/// <summary>The named jobs of SPEC §13 with their effective cron schedules.</summary>
public sealed class JobRegistry(IEnumerable<JobDefinition> definitions, IOptions<JobsOptions> options)
{
    public IReadOnlyList<JobDefinition> All { get; } = definitions.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();

    public JobDefinition? Find(string name) => All.FirstOrDefault(d => d.Name == name);

    public string Names => string.Join(", ", All.Select(d => d.Name));

    public string CronText(JobDefinition job) => options.Value.Cron.GetValueOrDefault(job.Name) ?? job.DefaultCron;

    public CronExpression Cron(JobDefinition job) => CronExpression.Parse(CronText(job));
}
