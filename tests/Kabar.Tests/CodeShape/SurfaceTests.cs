using Kabar.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Kabar.Tests.CodeShape;

/// <summary>
/// Each feature folder's public surface is what the other folders use (docs/architecture.md,
/// "Rules of the layout"): a type declared <c>public</c> is used by another folder, and a type
/// declared <c>internal</c> is used only inside its own. Read with Roslyn's semantic model over
/// the sources, so a use counts whether it names the type, calls one of its members, or receives
/// it from a member another folder calls; what the public members of a used public type name are used with it.
/// </summary>
public sealed partial class SurfaceTests
{
    private static readonly string Source = Path.Combine(RepositoryRoot.Path, "src", "Kabar");

    private static readonly string[] BuildOutput = ["bin", "obj"];

    private static readonly Lazy<Surface> Measured = new(() => Surface.Measure(Source));

    [Fact]
    public void NoInternalType_IsUsedFromAnotherFolder()
    {
        var wrong = Measured.Value.Types
            .Where(t => t.Symbol.DeclaredAccessibility != Accessibility.Public && t.UsedFrom.Count > 0)
            .Select(t => $"{t.Folder}/{t.Symbol.Name} is internal but used from {string.Join(", ", t.UsedFrom.Order(StringComparer.Ordinal))}")
            .ToList();

        Assert.True(wrong.Count == 0, "Internal types used from another folder (make them public, or move the use):\n"
            + string.Join('\n', wrong));
    }

    [Fact]
    public void EveryPublicType_IsUsedFromAnotherFolder()
    {
        var wrong = Measured.Value.Types
            .Where(t => t.Symbol.DeclaredAccessibility == Accessibility.Public && t.UsedFrom.Count == 0 && !t.FrameworkFacing)
            .Select(t => $"{t.Folder}/{t.Symbol.Name}")
            .ToList();

        Assert.True(wrong.Count == 0, "Public types no other folder uses (make them internal):\n" + string.Join('\n', wrong));
    }

    [Fact]
    public void Measure_SeesUsesByName_ByMember_AndThroughSignatures()
    {
        var surface = Surface.Measure(Source, new Dictionary<string, string>
        {
            ["A/Store.cs"] = "namespace Kabar.A; public static class Store { public static Row Read() => new(); public static void Write() { } } public sealed class Row { } internal sealed class Hidden { }",
            ["A/AExtensions.cs"] = "namespace Kabar.A; public static class AExtensions { public static IHostApplicationBuilder AddA(this IHostApplicationBuilder b) => b; }",
            ["B/User.cs"] = "namespace Kabar.B; using Kabar.A; internal static class User { public static void Go() { var row = Store.Read(); WebApplication.CreateBuilder().AddA(); } }",
            ["A/Service.cs"] = "namespace Kabar.A; public sealed class Service(ServiceOptions options) { } public sealed class ServiceOptions { }",
            ["D/Client.cs"] = "namespace Kabar.D; internal sealed class Client(Kabar.A.Service service) { }",
            ["C/Other.cs"] = "namespace Kabar.C; internal static class Other { public static void Go() { new Kabar.A.Hidden(); } }",
        });

        var byName = surface.Types.ToDictionary(t => t.Symbol.Name);
        Assert.Equal(["B"], byName["Store"].UsedFrom);
        Assert.Equal(["B"], byName["Row"].UsedFrom); // received from Store.Read without being named
        Assert.Equal(["C"], byName["Hidden"].UsedFrom);
        Assert.Equal(["B"], byName["AExtensions"].UsedFrom); // an extension method called on an ASP.NET Core type
        Assert.Equal(["D"], byName["ServiceOptions"].UsedFrom); // what the public constructor of a type D uses takes
        Assert.Empty(byName["User"].UsedFrom);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b[A-Z][A-Za-z0-9_]*\b")]
    private static partial System.Text.RegularExpressions.Regex Words();

    /// <summary>The top-level types of the sources and the other folders that use each.</summary>
    private sealed class Surface
    {
        public required List<TypeUse> Types { get; init; }

        public static Surface Measure(string source, Dictionary<string, string>? only = null)
        {
            var files = only?.Select(f => (Path: Path.Combine(source, f.Key), Text: f.Value)).ToList()
                ?? SourceFiles(source).Select(f => (Path: f, Text: File.ReadAllText(f))).ToList();
            var parse = new CSharpParseOptions(LanguageVersion.Preview);
            var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parse, f.Path)).ToList();
            // The SDK's implicit global usings, as the build wrote them.
            var globalUsings = Directory.EnumerateFiles(Path.Combine(source, "obj"), "Kabar.GlobalUsings.g.cs", SearchOption.AllDirectories).First();
            var compilation = CSharpCompilation.Create("Kabar.Surface",
                [.. trees, CSharpSyntaxTree.ParseText(File.ReadAllText(globalUsings), parse, globalUsings)], References.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

            var types = new Dictionary<INamedTypeSymbol, TypeUse>(SymbolEqualityComparer.Default);
            foreach (var tree in trees)
            {
                var model = compilation.GetSemanticModel(tree);
                foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>()
                             .Where(d => d.Parent is BaseNamespaceDeclarationSyntax or CompilationUnitSyntax))
                {
                    if (model.GetDeclaredSymbol(declaration) is { } symbol && !types.ContainsKey(symbol))
                    {
                        types[symbol] = new TypeUse(symbol, FolderOf(source, tree.FilePath), IsFrameworkFacing(symbol));
                    }
                }
            }

            foreach (var tree in trees)
            {
                var folder = FolderOf(source, tree.FilePath);
                var model = compilation.GetSemanticModel(tree);
                foreach (var node in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    var info = model.GetSymbolInfo(node);
                    var symbols = info.Symbol is { } s ? [s] : info.CandidateSymbols;
                    foreach (var used in symbols.SelectMany(Reached))
                    {
                        if (types.TryGetValue(used, out var use) && use.Folder != folder)
                        {
                            use.UsedFrom.Add(folder);
                        }
                    }
                }
            }

            if (only is null)
            {
                // Razor views name the types they inject, show or call: a word of the view that is a
                // type's name is a use (several types of one name would all count).
                var byName = types.Values.ToLookup(t => t.Symbol.Name, StringComparer.Ordinal);
                foreach (var view in SourceFiles(source, "*.cshtml"))
                {
                    var folder = FolderOf(source, view);
                    foreach (var word in Words().Matches(File.ReadAllText(view)).Select(m => m.Value).Distinct(StringComparer.Ordinal))
                    {
                        foreach (var use in byName[word].Where(t => t.Folder != folder))
                        {
                            use.UsedFrom.Add(folder);
                        }
                    }
                }
            }

            // What the public members of a used public type name is used with it: C# requires
            // those types to be public too (and dependency injection and configuration binding
            // see only public constructors and properties).
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var use in types.Values.Where(t => t.UsedFrom.Count > 0 && t.Symbol.DeclaredAccessibility == Accessibility.Public).ToList())
                {
                    var named = use.Symbol.GetMembers().Where(m => m.DeclaredAccessibility == Accessibility.Public && m is not ITypeSymbol)
                        .SelectMany(Reached);
                    foreach (var type in named)
                    {
                        if (types.TryGetValue(type, out var needed) && needed.Folder == use.Folder && !ReferenceEquals(needed, use))
                        {
                            var before = needed.UsedFrom.Count;
                            needed.UsedFrom.UnionWith(use.UsedFrom);
                            changed |= needed.UsedFrom.Count != before;
                        }
                    }
                }
            }

            return new Surface { Types = [.. types.Values] };
        }

        /// <summary>The top-level types a use of <paramref name="symbol"/> reaches: its own and those of its signature.</summary>
        private static IEnumerable<INamedTypeSymbol> Reached(ISymbol symbol)
        {
            if (symbol is IMethodSymbol { ReducedFrom: { } reduced })
            {
                symbol = reduced;
            }

            var reached = new List<ITypeSymbol>();
            switch (symbol)
            {
                case ITypeSymbol type:
                    reached.Add(type);
                    break;
                case IMethodSymbol method:
                    reached.Add(method.ReturnType);
                    reached.AddRange(method.Parameters.Select(p => p.Type));
                    reached.AddRange(method.TypeArguments);
                    break;
                case IPropertySymbol property:
                    reached.Add(property.Type);
                    reached.AddRange(property.Parameters.Select(p => p.Type));
                    break;
                case IFieldSymbol field:
                    reached.Add(field.Type);
                    break;
                case IEventSymbol e:
                    reached.Add(e.Type);
                    break;
            }

            if (symbol.ContainingType is { } containing)
            {
                reached.Add(containing);
            }

            return reached.SelectMany(Unwrap).Select(TopLevel).Distinct(SymbolEqualityComparer.Default).Cast<INamedTypeSymbol>();
        }

        private static IEnumerable<INamedTypeSymbol> Unwrap(ITypeSymbol type) => type switch
        {
            IArrayTypeSymbol array => Unwrap(array.ElementType),
            INamedTypeSymbol named => new[] { named.OriginalDefinition }.Concat(named.TypeArguments.SelectMany(Unwrap)),
            _ => [],
        };

        private static INamedTypeSymbol TopLevel(INamedTypeSymbol type)
        {
            while (type.ContainingType is { } outer)
            {
                type = outer;
            }

            return type;
        }

        /// <summary>Public because a framework finds it by reflection or the entry point needs it, not because a folder uses it.</summary>
        private static bool IsFrameworkFacing(INamedTypeSymbol type)
        {
            if (type.Name == "Program" && type.ContainingNamespace.IsGlobalNamespace)
            {
                return true;
            }

            for (var b = type.BaseType; b is not null; b = b.BaseType)
            {
                if (b.Name is "PageModel" or "ViewComponent" or "TagHelper" or "Migration" or "ModelSnapshot")
                {
                    return true;
                }
            }

            return false;
        }

        private static string FolderOf(string source, string file)
        {
            var relative = Path.GetRelativePath(source, file);
            var slash = relative.IndexOfAny(['/', '\\']);
            return slash < 0 ? "(root)" : relative[..slash];
        }

        private static IEnumerable<string> SourceFiles(string source, string pattern = "*.cs")
        {
            var skipped = BuildOutput.Select(s => Path.Combine(source, s) + Path.DirectorySeparatorChar).ToArray();
            return Directory.EnumerateFiles(source, pattern, SearchOption.AllDirectories)
                .Where(f => !skipped.Any(s => f.StartsWith(s, StringComparison.Ordinal)))
                .Order(StringComparer.Ordinal);
        }

        /// <summary>What Kabar compiles against: the assemblies this test process runs with (Kabar's own excepted).</summary>
        private static readonly Lazy<List<MetadataReference>> References = new(() =>
            ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => p.EndsWith(".dll", StringComparison.Ordinal)
                    && !Path.GetFileName(p).StartsWith("Kabar", StringComparison.Ordinal))
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToList());
    }

    private sealed record TypeUse(INamedTypeSymbol Symbol, string Folder, bool FrameworkFacing)
    {
        public HashSet<string> UsedFrom { get; } = new(StringComparer.Ordinal);
    }
}
