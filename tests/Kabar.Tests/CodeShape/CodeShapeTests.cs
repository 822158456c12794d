using Kabar.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Kabar.Tests.CodeShape;

/// <summary>
/// The shape a newcomer can find their way in (docs/architecture.md, "Rules of the layout"): no
/// source file over 500 lines and no method over 80 (migrations excepted, they are generated), and
/// each feature folder registers only its own services. Read from the sources with Roslyn, so a
/// failure names the file, the line and the size.
/// </summary>
public sealed class CodeShapeTests
{
    private const int MaxFileLines = 500;
    private const int MaxMethodLines = 80;

    private static readonly string Source = Path.Combine(RepositoryRoot.Path, "src", "Kabar");
    private static readonly string[] TextKinds = [".cs", ".cshtml", ".js", ".css", ".json"];

    private static readonly string[] RegisteringCalls =
    [
        "AddSingleton", "AddScoped", "AddTransient", "TryAddSingleton", "TryAddScoped", "TryAddTransient",
        "TryAddEnumerable", "AddHostedService", "AddOptions", "AddOptionsWithValidateOnStart", "AddHttpClient",
    ];

    [Fact]
    public void NoSourceFile_IsOver500Lines()
    {
        var over = SourceFiles(TextKinds)
            .Select(f => (File: Relative(f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > MaxFileLines)
            .Select(f => $"{f.File}: {f.Lines} lines")
            .ToList();

        Assert.True(over.Count == 0, $"Files over {MaxFileLines} lines:\n" + string.Join('\n', over));
    }

    [Fact]
    public void NoMethod_IsOver80Lines()
    {
        var over = new List<string>();
        foreach (var file in SourceFiles([".cs"]))
        {
            var root = Parse(file);
            foreach (var node in root.DescendantNodes().Where(IsMethodLike))
            {
                var span = node.GetLocation().GetLineSpan();
                var lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
                if (lines > MaxMethodLines)
                {
                    over.Add($"{Relative(file)}:{span.StartLinePosition.Line + 1} {NameOf(node)}: {lines} lines");
                }
            }
        }

        Assert.True(over.Count == 0, $"Methods over {MaxMethodLines} lines:\n" + string.Join('\n', over));
    }

    [Fact]
    public void EachFolder_RegistersOnlyItsOwnServices()
    {
        var namespaces = typeof(Program).Assembly.GetTypes()
            .Where(t => !t.IsNested && t.Namespace?.StartsWith("Kabar.", StringComparison.Ordinal) == true)
            .GroupBy(t => t.Name.Split('`')[0])
            .ToDictionary(g => g.Key, g => g.Select(t => Folder(t)).Distinct().ToList());

        var foreign = new List<string>();
        foreach (var file in SourceFiles([".cs"]).Where(f => Path.GetDirectoryName(f) != Source))
        {
            var folder = Path.GetRelativePath(Source, file).Split(Path.DirectorySeparatorChar)[0];
            foreach (var call in Parse(file).DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (call.Expression is not MemberAccessExpressionSyntax { Name: GenericNameSyntax generic }
                    || !RegisteringCalls.Contains(generic.Identifier.Text))
                {
                    continue;
                }

                var registered = Identifier(generic.TypeArgumentList.Arguments[^1]);
                if (registered is not null && namespaces.TryGetValue(registered, out var owners) && !owners.Contains(folder))
                {
                    var line = call.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                    foreign.Add($"{Relative(file)}:{line} registers {registered}, which belongs to {string.Join(" or ", owners)}/");
                }
            }
        }

        Assert.True(foreign.Count == 0, "Registrations of another folder's services:\n" + string.Join('\n', foreign));
    }

    /// <summary>The rules hold against something: the reader sees the sizes and registrations it checks.</summary>
    [Fact]
    public void TheReader_MeasuresWhatItClaims()
    {
        var tree = CSharpSyntaxTree.ParseText("""
            namespace Kabar.Notifications;
            static class Sample
            {
                static void Register(Microsoft.Extensions.DependencyInjection.IServiceCollection s)
                {
                    s.AddSingleton<Kabar.WhatsApp.CloudApiClient>();
                    int Local()
                    {
                        return 1;
                    }
                }
            }
            """);
        var methods = tree.GetRoot().DescendantNodes().Where(IsMethodLike).ToList();

        Assert.Equal(["Register", "Local"], methods.Select(NameOf));
        var register = methods[0].GetLocation().GetLineSpan();
        Assert.Equal(8, register.EndLinePosition.Line - register.StartLinePosition.Line + 1);
        var call = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>().Single();
        var generic = (GenericNameSyntax)((MemberAccessExpressionSyntax)call.Expression).Name;
        Assert.Equal("CloudApiClient", Identifier(generic.TypeArgumentList.Arguments[^1]));
        Assert.Equal("WhatsApp", Folder(typeof(Kabar.WhatsApp.CloudApiClient)));
    }

    [Fact]
    public void EachFile_IsNamedAfterATypeItHolds()
    {
        // A page's code-behind follows Razor's naming (Index.cshtml.cs holds IndexModel); Program.cs is the entry point.
        var wrong = SourceFiles([".cs"])
            .Where(f => !f.EndsWith(".cshtml.cs", StringComparison.Ordinal) && Path.GetFileName(f) != "Program.cs")
            .Select(f => (File: f, Types: Parse(f).DescendantNodes().OfType<BaseTypeDeclarationSyntax>()
                .Where(t => t.Parent is BaseNamespaceDeclarationSyntax or CompilationUnitSyntax)
                .Select(t => t.Identifier.Text).ToList()))
            .Where(f => !f.Types.Contains(Path.GetFileName(f.File).Split('.')[0]))
            .Select(f => $"{Relative(f.File)} holds {string.Join(", ", f.Types)}")
            .ToList();

        Assert.True(wrong.Count == 0, "Files not named after a type they hold:\n" + string.Join('\n', wrong));
    }

    private static bool IsMethodLike(SyntaxNode node) =>
        node is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax;

    private static string NameOf(SyntaxNode node) => node switch
    {
        MethodDeclarationSyntax m => m.Identifier.Text,
        ConstructorDeclarationSyntax c => c.Identifier.Text + " (constructor)",
        LocalFunctionStatementSyntax l => l.Identifier.Text,
        AccessorDeclarationSyntax a => a.Keyword.Text + " accessor",
        _ => node.Kind().ToString(),
    };

    /// <summary>The type's own name: <c>Kabar.X.Foo</c> and <c>Foo&lt;T&gt;</c> give <c>Foo</c>.</summary>
    private static string? Identifier(TypeSyntax type) => type switch
    {
        QualifiedNameSyntax q => Identifier(q.Right),
        GenericNameSyntax g => g.Identifier.Text,
        IdentifierNameSyntax i => i.Identifier.Text,
        _ => null,
    };

    /// <summary>The feature folder of a type: <c>Kabar.Notifications.Dispatcher</c> is in <c>Notifications</c>.</summary>
    private static string Folder(Type type) => type.Namespace!.Split('.')[1];

    private static SyntaxNode Parse(string file) => CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: file).GetRoot();

    private static string Relative(string file) => Path.GetRelativePath(RepositoryRoot.Path, file);

    private static IEnumerable<string> SourceFiles(string[] kinds)
    {
        var skipped = new[] { "bin", "obj", Path.Combine("Data", "Migrations"), Path.Combine("wwwroot", "lib") }
            .Select(s => Path.Combine(Source, s) + Path.DirectorySeparatorChar)
            .ToArray();
        return Directory.EnumerateFiles(Source, "*", SearchOption.AllDirectories)
            .Where(f => kinds.Contains(Path.GetExtension(f)))
            .Where(f => !skipped.Any(s => f.StartsWith(s, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal);
    }
}
