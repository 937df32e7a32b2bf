using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace CommunitySdk.Shop.Services;

/// <summary>One person in the drawn invite tree: their name, where their referral stands and what it paid the viewer.</summary>
/// <param name="Name">The display name.</param>
/// <param name="Status">The referral's status in words (empty for the viewer at the root).</param>
/// <param name="StatusKind">The status for colour: joined, held, rewarded, rejected, reversed (empty at the root).</param>
/// <param name="Reward">What the referral paid the viewer, in words, or empty.</param>
/// <param name="Invitees">The people they invited, as far as the tree is drawn.</param>
/// <param name="Hidden">People below them not drawn (deeper than the drawn levels), 0 for none.</param>
public sealed record InviteView(string Name, string Status, string StatusKind, string Reward, IReadOnlyList<InviteView> Invitees, int Hidden);

/// <summary>Draws an invite tree as SVG at a readable size: leaves side by side, each parent centred over its children.</summary>
public static class InviteTreeSvg
{
    private const int Column = 130;
    private const int Row = 124;

    private static readonly Dictionary<string, string> Colours = new(StringComparer.Ordinal)
    {
        ["joined"] = "#5b6770", ["held"] = "#8a5a00", ["rewarded"] = "#1d6b2f", ["rejected"] = "#a12a2a", ["reversed"] = "#a12a2a",
    };

    /// <summary>The status colours, for the legend.</summary>
    public static IReadOnlyDictionary<string, string> StatusColours => Colours;

    /// <summary>The tree as an SVG element of its natural size (the page scrolls and zooms it).</summary>
    /// <param name="root">The viewer.</param>
    /// <param name="label">The accessible name of the drawing.</param>
    /// <param name="more">The text of a collapsed branch: "+{0} more".</param>
    public static string Render(InviteView root, string label, Func<int, string> more)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(more);
        var nodes = new List<(InviteView Node, double X, int Depth)>();
        var edges = new List<(InviteView Parent, double ParentX, double ChildX, int ChildDepth)>();
        var leaves = 0;
        Place(root, 0);
        var width = Math.Max(1, leaves) * Column;
        var height = ((nodes.Max(n => n.Depth) + 1) * Row) + 10;
        var e = HtmlEncoder.Default;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"invite-tree\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{e.Encode(label)}\" data-width=\"{width}\">");
        foreach (var (parent, parentX, childX, depth) in edges)
        {
            // From under the parent's lines of text to the top of the child's disc.
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{parentX:0.#}\" y1=\"{Y(depth - 1) + TextBottom(parent)}\" x2=\"{childX:0.#}\" y2=\"{Y(depth) - 22}\" stroke=\"#9aa\" stroke-width=\"2\"/>");
        }

        foreach (var (node, x, depth) in nodes)
        {
            var colour = depth == 0 ? "#2f6f6f" : Colours.GetValueOrDefault(node.StatusKind, "#5b6770");
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"node\" data-name=\"{e.Encode(node.Name)}\" data-status=\"{e.Encode(node.StatusKind)}\"><title>{e.Encode(string.Join(" · ", new[] { node.Name, node.Status, node.Reward }.Where(s => s.Length > 0)))}</title>");
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x:0.#}\" cy=\"{Y(depth)}\" r=\"20\" fill=\"{colour}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{Y(depth) + 5}\" text-anchor=\"middle\" font-size=\"14\" fill=\"#fff\" font-weight=\"600\">{e.Encode(Initial(node.Name))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{Y(depth) + 38}\" text-anchor=\"middle\" font-size=\"14\" fill=\"#223\">{e.Encode(node.Name)}</text>");
            if (node.Status.Length > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"status\" x=\"{x:0.#}\" y=\"{Y(depth) + 55}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{colour}\">{e.Encode(node.Status)}</text>");
            }

            if (node.Reward.Length > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"reward\" x=\"{x:0.#}\" y=\"{Y(depth) + 70}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#1d6b2f\">{e.Encode(node.Reward)}</text>");
            }

            if (node.Hidden > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"more\" x=\"{x:0.#}\" y=\"{Y(depth) + 85}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#5b6770\">{e.Encode(more(node.Hidden))}</text>");
            }

            svg.Append("</g>");
        }

        return svg.Append("</svg>").ToString();

        // Leaves take the next column; a parent sits midway over its first and last child.
        double Place(InviteView node, int depth)
        {
            double x;
            if (node.Invitees.Count == 0)
            {
                x = (leaves++ * Column) + (Column / 2.0);
            }
            else
            {
                var children = node.Invitees.Select(child => Place(child, depth + 1)).ToList();
                x = (children[0] + children[^1]) / 2;
                edges.AddRange(children.Select(childX => (node, x, childX, depth + 1)));
            }

            nodes.Add((node, x, depth));
            return x;
        }

        static int Y(int depth) => (depth * Row) + 26;

        static int TextBottom(InviteView node) => 44 + (node.Status.Length > 0 ? 17 : 0) + (node.Reward.Length > 0 ? 15 : 0) + (node.Hidden > 0 ? 15 : 0);

        static string Initial(string name) => name.Length == 0 ? "?" : name[..StringInfo.GetNextTextElementLength(name)].ToUpper(CultureInfo.InvariantCulture);
    }
}
