using Kabar.Fuzz;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Reliability;

/// <summary>
/// The fuzz harness (fuzz/Kabar.Fuzz) in every test run: each target replays its seed corpus and
/// seeded byte mutations of it in process, as AFL++ would feed them (scripts/fuzz.sh runs the
/// real thing), and the crashes AFL++ found stay fixed.
/// </summary>
public sealed class FuzzHarnessTests
{
    public static TheoryData<string> Targets => new(FuzzTargets.Names.Where(n => n != "webhook"));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Target_OnItsCorpusAndMutations_DoesNotCrash(string target) => Replay(target, "corpus");

    /// <summary>
    /// Found by AFL++ (fuzz/crashes/webhook): <c>WebhookPayload.Parse</c> throws on bytes that are
    /// not UTF-8 inside a message's string, so a signed post carrying one is a 500 on
    /// <c>/webhooks/whatsapp</c>. It now skips such an item (the endpoint quarantines the post)
    /// and reads the rest.
    /// </summary>
    [Fact]
    public void Webhook_OnItsCorpusMutationsAndFoundCrashes_DoesNotCrash()
    {
        Replay("webhook", "crashes");
        Replay("webhook", "corpus");
    }

    private static void Replay(string target, string folder)
    {
        var fuzz = new ByteFuzz($"harness {target}");
        var corpus = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "fuzz", folder, target)).Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes).ToList();
        Assert.NotEmpty(corpus);
        var inputs = corpus.Concat(Enumerable.Range(0, Fuzz.Cases(300)).Select(_ => fuzz.Mutate(fuzz.Pick(corpus))));
        foreach (var input in inputs)
        {
            try
            {
                FuzzTargets.Run(target, input);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{target} crashed on {ByteFuzz.Show(input)} ({fuzz.Suite} seed {fuzz.Seed}, replay: KABAR_FUZZ_SEED={fuzz.Seed}): {ex}");
            }
        }
    }
}
