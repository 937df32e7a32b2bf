using System.Text;
using System.Text.RegularExpressions;

namespace CommunitySdk.Docs.Tests;

/// <summary>
/// Docs whose code compiles: every C# block of README.md and docs/ is preceded by <c>&lt;!-- snippet: NAME --&gt;</c> and
/// must equal the region <c>// begin-snippet: NAME</c> … <c>// end-snippet</c> of a C# file in the repository (or, for a
/// NAME that is a path, that whole file), which the build compiles. Other blocks (JSON, shell) may point at a file the
/// same way. Set <c>UPDATE_SNIPPETS=1</c> to rewrite the blocks from their sources instead of failing.
/// </summary>
public sealed partial class DocsSnippetTests
{
    [Fact]
    public void Every_code_block_of_the_docs_equals_the_compiled_code_it_names()
    {
        var root = Repository.Root;
        var regions = Regions(root);
        var update = Environment.GetEnvironmentVariable("UPDATE_SNIPPETS") == "1";
        var problems = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var page in Pages(root))
        {
            var relative = Path.GetRelativePath(root, page);
            var text = File.ReadAllText(page);
            var rewritten = Blocks().Replace(text, block =>
            {
                var line = text[..block.Index].Count(c => c == '\n') + 1;
                var marker = block.Groups["marker"];
                var language = block.Groups["language"].Value;
                if (!marker.Success)
                {
                    if (language is "csharp" or "cs")
                    {
                        problems.Add($"{relative}:{line}: a C# block without '<!-- snippet: NAME -->' before it");
                    }

                    return block.Value;
                }

                var name = marker.Value;
                used.Add(name);
                string? expected = name.Contains('/', StringComparison.Ordinal)
                    ? File.Exists(Path.Combine(root, name)) ? Normalize(File.ReadAllText(Path.Combine(root, name))) : null
                    : regions.GetValueOrDefault(name);
                if (expected is null)
                {
                    problems.Add($"{relative}:{line}: no region or file '{name}'");
                    return block.Value;
                }

                if (Normalize(block.Groups["body"].Value) == expected)
                {
                    return block.Value;
                }

                if (!update)
                {
                    problems.Add($"{relative}:{line}: the block differs from '{name}', which is now:\n{expected}");
                }

                return $"{block.Groups["head"].Value}{expected}```";
            });
            if (update && rewritten != text)
            {
                File.WriteAllText(page, rewritten);
            }
        }

        problems.AddRange(regions.Keys.Where(r => !used.Contains(r)).Select(r => $"region '{r}' is shown by no page"));
        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    /// <summary>README.md and every page under docs/.</summary>
    private static IEnumerable<string> Pages(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories)
            .Prepend(Path.Combine(root, "README.md"))
            .Order(StringComparer.Ordinal);

    /// <summary>Every named region of the repository's C# files (src, samples, tests, benchmarks), dedented.</summary>
    private static Dictionary<string, string> Regions(string root)
    {
        var regions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}artifacts{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            var text = File.ReadAllText(file);
            foreach (Match region in Region().Matches(text))
            {
                var name = region.Groups["name"].Value;
                Assert.True(regions.TryAdd(name, Dedent(region.Groups["body"].Value)), $"region '{name}' is defined twice (again in {file})");
            }
        }

        return regions;
    }

    private static string Dedent(string body)
    {
        var lines = Normalize(body).Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return Normalize(string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())));
    }

    /// <summary>LF line ends, no trailing spaces, one final line end.</summary>
    private static string Normalize(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd());
        var builder = new StringBuilder(string.Join('\n', lines).Trim('\n'));
        return builder.Append('\n').ToString();
    }

    [GeneratedRegex(@"(?<head>(?:<!-- snippet: (?<marker>[^ ]+) -->\n)?```(?<language>[a-z]*)\n)(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Blocks();

    [GeneratedRegex(@"^[ \t]*// begin-snippet: (?<name>[\w./-]+)[ \t]*\r?\n(?<body>.*?)^[ \t]*// end-snippet", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Region();
}

/// <summary>Where the repository is, from the test binaries.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CommunitySdk.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("CommunitySdk.sln not found above the test binaries.");
    }
}
