using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using CommunitySdk.AspNetCore;

namespace CommunitySdk.Shop.Services;

/// <summary>Draws an invite tree as SVG: leaves side by side, each parent centred over its children.</summary>
public static class InviteTreeSvg
{
    private const int Column = 90;
    private const int Row = 70;

    public static string Render(InviteTreeNode root)
    {
        var nodes = new List<(InviteTreeNode Node, double X, int Depth)>();
        var edges = new List<(double ParentX, double ChildX, int ChildDepth)>();
        var leaves = 0;
        Place(root, 0);
        var width = Math.Max(1, leaves) * Column;
        var height = (nodes.Max(n => n.Depth) + 1) * Row;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"invite-tree\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Invite tree\">");
        foreach (var (parentX, childX, depth) in edges)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{parentX:0.#}\" y1=\"{Y(depth - 1)}\" x2=\"{childX:0.#}\" y2=\"{Y(depth)}\" stroke=\"#9aa\" stroke-width=\"2\"/>");
        }

        foreach (var (node, x, depth) in nodes)
        {
            var name = HtmlEncoder.Default.Encode(node.Name);
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"node\" data-name=\"{name}\"><circle cx=\"{x:0.#}\" cy=\"{Y(depth)}\" r=\"18\" fill=\"{(depth == 0 ? "#2f6f6f" : "#5aa")}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{Y(depth) + 34}\" text-anchor=\"middle\" font-size=\"12\">{name}</text></g>");
        }

        return svg.Append("</svg>").ToString();

        // Leaves take the next column; a parent sits midway over its first and last child.
        double Place(InviteTreeNode node, int depth)
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
                edges.AddRange(children.Select(childX => (x, childX, depth + 1)));
            }

            nodes.Add((node, x, depth));
            return x;
        }

        static int Y(int depth) => (depth * Row) + 22;
    }
}
