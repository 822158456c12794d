using Kabar.Auth;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Notifications;
using Kabar.OptIn;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Data;

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> b)
    {
        b.HasKey(c => c.Id);
        b.Property(c => c.Phone).HasMaxLength(20);
        b.Property(c => c.WaId).HasMaxLength(20);
        b.Property(c => c.BusinessScopedUserId).HasMaxLength(160);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Email).HasMaxLength(254);
        b.Property(c => c.Language).HasMaxLength(8);
        b.Property(c => c.LedgerHead).HasMaxLength(64);
        b.Property(c => c.LedgerSeq).IsConcurrencyToken();
        b.HasIndex(c => c.Phone).IsUnique();
        b.HasIndex(c => c.WaId);
        b.HasIndex(c => c.BusinessScopedUserId).IsUnique();
        // The dashboard counts contacts by state among those not erased, from the index alone.
        b.HasIndex(c => new { c.WhatsAppConsent, c.ErasedAt });
        b.Property(c => c.ErasedPhoneHash).HasMaxLength(64);
        b.HasIndex(c => c.ErasedPhoneHash);
    }
}

internal sealed class ConsentEventConfiguration : IEntityTypeConfiguration<ConsentEvent>
{
    public void Configure(EntityTypeBuilder<ConsentEvent> b)
    {
        b.HasKey(e => e.Id);
        b.HasOne<Contact>().WithMany().HasForeignKey(e => e.ContactId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => new { e.ContactId, e.Seq }).IsUnique();
        b.HasIndex(e => e.OccurredAt);
        b.Property(e => e.TextVersion).HasMaxLength(64);
        b.Property(e => e.TextHash).HasMaxLength(64);
        b.Property(e => e.Ip).HasMaxLength(64);
        b.Property(e => e.UserAgent).HasMaxLength(512);
        b.Property(e => e.EvidenceSalt).HasMaxLength(32);
        b.Property(e => e.EvidenceDigest).HasMaxLength(64);
        b.Property(e => e.WhatsAppMessageId).HasMaxLength(200);
        b.Property(e => e.TokenId).HasMaxLength(64);
        b.Property(e => e.Operator).HasMaxLength(254);
        b.Property(e => e.Note).HasMaxLength(1000);
        b.Property(e => e.PrevHash).HasMaxLength(64);
        b.Property(e => e.Hash).HasMaxLength(64);
    }
}

internal sealed class ConsentTextConfiguration : IEntityTypeConfiguration<ConsentText>
{
    public void Configure(EntityTypeBuilder<ConsentText> b)
    {
        b.HasKey(t => t.Version);
        b.Property(t => t.Version).HasMaxLength(64);
        b.Property(t => t.Hash).HasMaxLength(64);
        b.Property(t => t.Language).HasMaxLength(8);
        b.Property(t => t.Text).HasMaxLength(4000);
    }
}

internal sealed class InboundMessageConfiguration : IEntityTypeConfiguration<InboundMessage>
{
    public void Configure(EntityTypeBuilder<InboundMessage> b)
    {
        b.HasKey(m => m.Id);
        b.Property(m => m.Wamid).HasMaxLength(200);
        b.HasIndex(m => m.Wamid).IsUnique();
        b.HasIndex(m => new { m.ContactId, m.SentAt });
        b.HasOne<Contact>().WithMany().HasForeignKey(m => m.ContactId).OnDelete(DeleteBehavior.Restrict);
        b.Property(m => m.PhoneNumberId).HasMaxLength(64);
        b.Property(m => m.Type).HasMaxLength(32);
        b.Property(m => m.Body).HasMaxLength(4096);
        b.Property(m => m.Payload).HasMaxLength(512);
        b.Property(m => m.ContextWamid).HasMaxLength(200);
        b.Property(m => m.Effect).HasMaxLength(32);
    }
}

internal sealed class WebhookInboxPostConfiguration : IEntityTypeConfiguration<WebhookInboxPost>
{
    public void Configure(EntityTypeBuilder<WebhookInboxPost> b)
    {
        b.ToTable("WebhookInbox");
        b.HasKey(p => p.Id);
        b.Property(p => p.BodyEncoding).HasMaxLength(16);
    }
}

internal sealed class WhatsAppStatusEventConfiguration : IEntityTypeConfiguration<WhatsAppStatusEvent>
{
    public void Configure(EntityTypeBuilder<WhatsAppStatusEvent> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Wamid).HasMaxLength(200);
        b.Property(s => s.Status).HasMaxLength(16);
        b.HasIndex(s => new { s.Wamid, s.Status }).IsUnique();
        b.HasIndex(s => s.AppliedAt);
        b.Property(s => s.RecipientId).HasMaxLength(20);
        b.Property(s => s.RecipientUserId).HasMaxLength(160);
        b.Property(s => s.BizOpaqueCallbackData).HasMaxLength(512);
        b.Property(s => s.ErrorTitle).HasMaxLength(512);
        b.Property(s => s.PricingCategory).HasMaxLength(40);
        b.Property(s => s.PricingType).HasMaxLength(40);
    }
}

internal sealed class TemplateStatusEventConfiguration : IEntityTypeConfiguration<TemplateStatusEvent>
{
    public void Configure(EntityTypeBuilder<TemplateStatusEvent> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.TemplateId).HasMaxLength(64);
        b.Property(t => t.Name).HasMaxLength(512);
        b.Property(t => t.Language).HasMaxLength(16);
        b.Property(t => t.Event).HasMaxLength(40);
        b.Property(t => t.Reason).HasMaxLength(512);
        b.Property(t => t.Category).HasMaxLength(40);
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.Property(n => n.Reason).HasMaxLength(40);
        b.HasIndex(n => new { n.Reason, n.CreatedAt });
        b.HasKey(n => n.Id);
        b.Property(n => n.Type).HasMaxLength(64);
        b.Property(n => n.Body).HasMaxLength(4096);
        b.Property(n => n.IdempotencyKey).HasMaxLength(200);
        b.HasIndex(n => n.IdempotencyKey).IsUnique();
        b.Property(n => n.RequestHash).HasMaxLength(64);
        b.Property(n => n.PhoneNumberId).HasMaxLength(64);
        b.Property(n => n.LockedBy).HasMaxLength(100);
        b.Property(n => n.FallbackReason).HasMaxLength(64);
        b.Property(n => n.LastError).HasMaxLength(512);
        b.Property(n => n.Version).IsConcurrencyToken();
        b.HasIndex(n => new { n.PhoneNumberId, n.State, n.DueAt });
        b.HasIndex(n => new { n.State, n.FallbackDueAt });
        b.HasIndex(n => new { n.ContactId, n.CreatedAt });
        b.HasIndex(n => n.PermitId);
        b.HasIndex(n => n.CreatedAt);
        b.HasOne<Contact>().WithMany().HasForeignKey(n => n.ContactId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DeliveryAttemptConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> b)
    {
        b.Property(a => a.Reason).HasMaxLength(40);
        b.HasKey(a => a.Id);
        b.Property(a => a.ProviderMessageId).HasMaxLength(200);
        b.HasIndex(a => a.ProviderMessageId);
        b.Property(a => a.PhoneNumberId).HasMaxLength(64);
        b.Property(a => a.TemplateName).HasMaxLength(512);
        b.Property(a => a.Error).HasMaxLength(512);
        b.Property(a => a.PricingCategory).HasMaxLength(40);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.HasIndex(a => a.NotificationId);
        b.HasIndex(a => new { a.ContactId, a.Channel, a.CreatedAt });
        b.HasIndex(a => new { a.CountsAgainstLimit, a.CreatedAt });

        // The dashboard's period (StatsService): without it a 30-day window scans every attempt.
        b.HasIndex(a => a.CreatedAt);
        b.HasOne<Notification>().WithMany().HasForeignKey(a => a.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AttemptStatusChangeConfiguration : IEntityTypeConfiguration<AttemptStatusChange>
{
    public void Configure(EntityTypeBuilder<AttemptStatusChange> b)
    {
        b.HasKey(c => c.Id);
        b.HasIndex(c => c.AttemptId);
        b.HasOne<DeliveryAttempt>().WithMany().HasForeignKey(c => c.AttemptId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WhatsAppTemplateConfiguration : IEntityTypeConfiguration<WhatsAppTemplate>
{
    public void Configure(EntityTypeBuilder<WhatsAppTemplate> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Name).HasMaxLength(512);
        b.Property(t => t.Language).HasMaxLength(16);
        b.HasIndex(t => new { t.Name, t.Language }).IsUnique();
        b.Property(t => t.RemoteId).HasMaxLength(64);
        b.Property(t => t.Status).HasMaxLength(40);
        b.Property(t => t.Category).HasMaxLength(40);
        b.Property(t => t.ParameterFormat).HasMaxLength(16);
        b.Property(t => t.BodyParameters).HasMaxLength(2000);
    }
}

internal sealed class SenderNumberConfiguration : IEntityTypeConfiguration<SenderNumber>
{
    public void Configure(EntityTypeBuilder<SenderNumber> b)
    {
        b.HasKey(s => s.PhoneNumberId);
        b.Property(s => s.PhoneNumberId).HasMaxLength(64);
        b.Property(s => s.LeaseHolder).HasMaxLength(100);
        b.Property(s => s.PauseReason).HasMaxLength(512);
    }
}

internal sealed class OptInTokenConfiguration : IEntityTypeConfiguration<OptInToken>
{
    public void Configure(EntityTypeBuilder<OptInToken> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => t.ContactId);
        b.HasOne<Contact>().WithMany().HasForeignKey(t => t.ContactId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RegistrationConfiguration : IEntityTypeConfiguration<Citizens.Registration>
{
    public void Configure(EntityTypeBuilder<Citizens.Registration> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.Reference).HasMaxLength(32);
        b.HasIndex(r => r.Reference).IsUnique();
        b.HasIndex(r => new { r.ContactId, r.CreatedAt });
        b.Property(r => r.Name).HasMaxLength(100);
        b.Property(r => r.Email).HasMaxLength(254);
        b.Property(r => r.PermitType).HasMaxLength(100);
        b.Property(r => r.Language).HasMaxLength(8);
        b.Property(r => r.ConsentTextVersion).HasMaxLength(64);
        b.Property(r => r.Ip).HasMaxLength(45);
        b.Property(r => r.UserAgent).HasMaxLength(512);
        b.HasOne<Contact>().WithMany().HasForeignKey(r => r.ContactId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OperatorConfiguration : IEntityTypeConfiguration<Admin.ConsoleUser>
{
    public void Configure(EntityTypeBuilder<Admin.ConsoleUser> b)
    {
        b.HasKey(o => o.Id);
        b.Property(o => o.Email).HasMaxLength(254);
        b.HasIndex(o => o.Email).IsUnique();
        b.Property(o => o.PasswordHash).HasMaxLength(200);
        b.Property(o => o.Role).HasMaxLength(16);
        b.Property(o => o.TotpSecret).HasMaxLength(1000);
        b.Property(o => o.SecurityStamp).HasMaxLength(64);
    }
}

internal sealed class ConsoleSessionConfiguration : IEntityTypeConfiguration<Admin.ConsoleSession>
{
    public void Configure(EntityTypeBuilder<Admin.ConsoleSession> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasMaxLength(64);
        b.HasIndex(s => s.OperatorId);
        b.HasIndex(s => s.ExpiresAt);
    }
}

internal sealed class SignInThrottleConfiguration : IEntityTypeConfiguration<Admin.SignInThrottle>
{
    public void Configure(EntityTypeBuilder<Admin.SignInThrottle> b)
    {
        b.HasKey(t => new { t.Account, t.Client });
        b.Property(t => t.Account).HasMaxLength(64);
        b.Property(t => t.Client).HasMaxLength(64);
        b.HasIndex(t => t.LastFailureAt);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.HasKey(k => k.Id);
        b.Property(k => k.Name).HasMaxLength(100);
        b.HasIndex(k => k.Name).IsUnique();
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.Hash).HasMaxLength(64);
        b.HasIndex(k => k.Hash).IsUnique();
        b.Property(k => k.Rights).HasMaxLength(16);
    }
}

internal sealed class AppSettingConfiguration : IEntityTypeConfiguration<AppSetting>
{
    public void Configure(EntityTypeBuilder<AppSetting> b)
    {
        b.HasKey(s => s.Key);
        b.Property(s => s.Key).HasMaxLength(100);
        b.Property(s => s.Value).HasMaxLength(1000);
    }
}

internal sealed class PermitConfiguration : IEntityTypeConfiguration<Kabar.Permits.Permit>
{
    public void Configure(EntityTypeBuilder<Kabar.Permits.Permit> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.ExternalRef).HasMaxLength(100);
        b.HasIndex(p => p.ExternalRef).IsUnique();
        b.Property(p => p.PermitNumber).HasMaxLength(100);
        b.Property(p => p.PermitType).HasMaxLength(200);
        b.Property(p => p.RegistrationId).HasMaxLength(100);
        b.Property(p => p.DownloadLink).HasMaxLength(1000);
        b.Property(p => p.RenewalLink).HasMaxLength(1000);
        b.Property(p => p.DetailLink).HasMaxLength(1000);
        b.Property(p => p.Version).IsConcurrencyToken();

        // The expiry scan reads issued, not renewed permits by expiry date.
        b.HasIndex(p => new { p.Status, p.ExpiresOn });
        b.HasIndex(p => p.HolderContactId);
        b.HasIndex(p => p.RenewalOfId);
        b.HasOne<Contact>().WithMany().HasForeignKey(p => p.HolderContactId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PermitDocumentConfiguration : IEntityTypeConfiguration<Kabar.Permits.PermitDocument>
{
    public void Configure(EntityTypeBuilder<Kabar.Permits.PermitDocument> b)
    {
        b.HasKey(d => d.Id);
        b.Property(d => d.Name).HasMaxLength(200);
        b.HasIndex(d => new { d.PermitId, d.Name }).IsUnique();
        b.HasIndex(d => new { d.DoneAt, d.PendingSince });
        b.HasOne<Kabar.Permits.Permit>().WithMany().HasForeignKey(d => d.PermitId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Contact>().WithMany().HasForeignKey(d => d.AssigneeContactId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class JobStateConfiguration : IEntityTypeConfiguration<Kabar.Jobs.JobState>
{
    public void Configure(EntityTypeBuilder<Kabar.Jobs.JobState> b)
    {
        b.HasKey(j => j.Name);
        b.Property(j => j.Name).HasMaxLength(64);
        b.Property(j => j.LeaseHolder).HasMaxLength(100);
    }
}

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<Kabar.Jobs.JobRun>
{
    public void Configure(EntityTypeBuilder<Kabar.Jobs.JobRun> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.Job).HasMaxLength(64);
        b.Property(r => r.Trigger).HasMaxLength(16);
        b.Property(r => r.Outcome).HasMaxLength(16);
        b.Property(r => r.Detail).HasMaxLength(1000);
        b.Property(r => r.Holder).HasMaxLength(100);
        b.HasIndex(r => new { r.Job, r.StartedAt });
    }
}
