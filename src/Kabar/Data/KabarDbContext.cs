using Kabar.Auth;
using Kabar.Citizens;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.OptIn;
using Kabar.WhatsApp;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Data;

/// <summary>
/// Kabar's one model. Each provider has a subclass (<see cref="SqliteKabarDbContext"/>,
/// <see cref="PostgresKabarDbContext"/>) that owns its migration set; services depend on this type.
/// </summary>
public abstract class KabarDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<ConsentEvent> ConsentEvents => Set<ConsentEvent>();
    public DbSet<ConsentText> ConsentTexts => Set<ConsentText>();
    public DbSet<InboundMessage> InboundMessages => Set<InboundMessage>();
    public DbSet<WhatsAppStatusEvent> WhatsAppStatusEvents => Set<WhatsAppStatusEvent>();
    public DbSet<WebhookInboxPost> WebhookInbox => Set<WebhookInboxPost>();
    public DbSet<WebhookQuarantinePost> WebhookQuarantine => Set<WebhookQuarantinePost>();
    public DbSet<TemplateStatusEvent> TemplateStatusEvents => Set<TemplateStatusEvent>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();
    public DbSet<AttemptStatusChange> AttemptStatusChanges => Set<AttemptStatusChange>();
    public DbSet<WhatsAppTemplate> WhatsAppTemplates => Set<WhatsAppTemplate>();
    public DbSet<SenderNumber> SenderNumbers => Set<SenderNumber>();
    public DbSet<OptInToken> OptInTokens => Set<OptInToken>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AppSetting> AppSettings => Set<AppSetting>();
    public DbSet<Permits.Permit> Permits => Set<Permits.Permit>();
    public DbSet<Permits.PermitDocument> PermitDocuments => Set<Permits.PermitDocument>();
    public DbSet<Jobs.JobState> JobStates => Set<Jobs.JobState>();
    public DbSet<Jobs.JobRun> JobRuns => Set<Jobs.JobRun>();
    public DbSet<SiCantik.SiCantikApplication> SiCantikApplications => Set<SiCantik.SiCantikApplication>();
    public DbSet<SiCantik.SiCantikSyncState> SiCantikSyncStates => Set<SiCantik.SiCantikSyncState>();
    public DbSet<Registration> Registrations => Set<Registration>();
    public DbSet<Admin.ConsoleUser> Operators => Set<Admin.ConsoleUser>();
    public DbSet<Admin.ConsoleSession> ConsoleSessions => Set<Admin.ConsoleSession>();
    public DbSet<Admin.SignInThrottle> SignInThrottles => Set<Admin.SignInThrottle>();
    public DbSet<Admin.StatsDay> StatsDays => Set<Admin.StatsDay>();
    public DbSet<Admin.StatsAttemptDay> StatsAttemptDays => Set<Admin.StatsAttemptDay>();
    public DbSet<Admin.StatsNotificationDay> StatsNotificationDays => Set<Admin.StatsNotificationDay>();
    public DbSet<Admin.StatsConsentDay> StatsConsentDays => Set<Admin.StatsConsentDay>();
    public DbSet<Privacy.DataSubjectRequest> DataSubjectRequests => Set<Privacy.DataSubjectRequest>();
    public DbSet<Transfers.ExportRecord> Exports => Set<Transfers.ExportRecord>();
    public DbSet<Campaigns.Campaign> Campaigns => Set<Campaigns.Campaign>();
    public DbSet<Campaigns.CampaignAsk> CampaignAsks => Set<Campaigns.CampaignAsk>();
    public DbSet<Campaigns.Experiment> Experiments => Set<Campaigns.Experiment>();
    public DbSet<Inbox.QuickReply> QuickReplies => Set<Inbox.QuickReply>();

    /// <summary>ASP.NET Core Data Protection keys (antiforgery), shared by every Kabar process.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(KabarDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; SQLite hands DateTime back without a kind, PostgreSQL's
        // timestamptz insists on UTC. One converter makes both say so.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();

        // Enums are stored as their contract names ('granted', 'inbound_keyword'), readable by
        // an auditor with a SQL prompt and stable across renames.
        configurationBuilder.Properties<ConsentScope>().HaveConversion<EnumTextConverter<ConsentScope>>().HaveMaxLength(32);
        configurationBuilder.Properties<ConsentState>().HaveConversion<EnumTextConverter<ConsentState>>().HaveMaxLength(16);
        configurationBuilder.Properties<ConsentAction>().HaveConversion<EnumTextConverter<ConsentAction>>().HaveMaxLength(16);
        configurationBuilder.Properties<ConsentSource>().HaveConversion<EnumTextConverter<ConsentSource>>().HaveMaxLength(32);
        configurationBuilder.Properties<NotificationState>().HaveConversion<EnumTextConverter<NotificationState>>().HaveMaxLength(16);
        configurationBuilder.Properties<MessageKind>().HaveConversion<EnumTextConverter<MessageKind>>().HaveMaxLength(16);
        configurationBuilder.Properties<MessageCategory>().HaveConversion<EnumTextConverter<MessageCategory>>().HaveMaxLength(16);
        configurationBuilder.Properties<Channel>().HaveConversion<EnumTextConverter<Channel>>().HaveMaxLength(16);
        configurationBuilder.Properties<LegalBasis>().HaveConversion<EnumTextConverter<LegalBasis>>().HaveMaxLength(16);
        configurationBuilder.Properties<AttemptStatus>().HaveConversion<EnumTextConverter<AttemptStatus>>().HaveMaxLength(16);
        configurationBuilder.Properties<Permits.PermitStatus>().HaveConversion<EnumTextConverter<Permits.PermitStatus>>().HaveMaxLength(32);
        configurationBuilder.Properties<Privacy.DataSubjectRequestKind>().HaveConversion<EnumTextConverter<Privacy.DataSubjectRequestKind>>().HaveMaxLength(16);
        configurationBuilder.Properties<Privacy.DataSubjectRequestOutcome>().HaveConversion<EnumTextConverter<Privacy.DataSubjectRequestOutcome>>().HaveMaxLength(16);
        configurationBuilder.Properties<Permits.AssigneeRole>().HaveConversion<EnumTextConverter<Permits.AssigneeRole>>().HaveMaxLength(16);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>
    /// Saves a unit of work whose context is not used afterwards, in the write turn, with the
    /// change detection done before the turn is taken and the rows written by
    /// <see cref="BatchSave"/> where it can, so on SQLite the turn (one writer for every number
    /// and webhook) holds little more than the writes themselves. The context's tracked
    /// entities are detached afterwards. <paramref name="alsoInTurn"/>, when given, runs after
    /// the save in the same transaction and turn: a set-based write (one statement for rows
    /// nobody needs tracked) that must commit with the changes or not at all.
    /// </summary>
    public async Task SaveChangesInTurnAsync(WriteGate gate, CancellationToken ct, bool urgent = true,
        Func<CancellationToken, Task>? alsoInTurn = null)
    {
        ChangeTracker.DetectChanges();
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            BumpVersions();
            var entries = ChangeTracker.Entries().Where(e => e.State is not (EntityState.Unchanged or EntityState.Detached)).ToList();
            if (entries.Count == 0 && alsoInTurn is null)
            {
                return;
            }

            var batch = BatchSave.CanSave(entries);
            using (await gate.EnterAsync(ct, urgent))
            {
                await using var own = alsoInTurn is not null && Database.CurrentTransaction is null
                    ? await Database.BeginTransactionAsync(ct)
                    : null;
                if (batch && entries.Count > 0)
                {
                    await BatchSave.SaveAsync(this, entries, ct);
                }
                else if (entries.Count > 0)
                {
                    await base.SaveChangesAsync(acceptAllChangesOnSuccess: true, ct);
                }

                if (alsoInTurn is not null)
                {
                    await alsoInTurn(ct);
                }

                if (own is not null)
                {
                    await own.CommitAsync(ct);
                }
            }

            ChangeTracker.Clear();
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    private void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State == EntityState.Modified)
            {
                // Through the entry, so the change is known without another detection pass.
                // By name: a lambda here would build an expression tree for every entry.
                entry.Property(nameof(IVersioned.Version)).CurrentValue = entry.Entity.Version + 1;
            }
        }
    }
}
