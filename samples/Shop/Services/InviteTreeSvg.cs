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
        var positions = new List<(InviteTreeNode Node, double X, int Depth, double ParentX, int ParentDepth)>();
        var next = 0;
        Place(root, 0, double.NaN, -1);
        var width = Math.Max(1, next) * Column;
        var depth = positions.Max(p => p.Depth) + 1;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"invite-tree\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{depth * Row}\" viewBox=\"0 0 {width} {depth * Row}\" role=\"img\" aria-label=\"Invite tree\">");
        foreach (var p in positions.Where(p => !double.IsNaN(p.ParentX)))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{p.ParentX:0.#}\" y1=\"{Y(p.ParentDepth)}\" x2=\"{p.X:0.#}\" y2=\"{Y(p.Depth)}\" stroke=\"#9aa\" stroke-width=\"2\"/>");
        }

        foreach (var p in positions)
        {
            var name = HtmlEncoder.Default.Encode(p.Node.Member);
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"node\" data-member=\"{name}\"><circle cx=\"{p.X:0.#}\" cy=\"{Y(p.Depth)}\" r=\"18\" fill=\"{(p.Depth == 0 ? "#2f6f6f" : "#5aa")}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{p.X:0.#}\" y=\"{Y(p.Depth) + 34}\" text-anchor=\"middle\" font-size=\"12\">{name}</text></g>");
        }

        return svg.Append("</svg>").ToString();

        double Place(InviteTreeNode node, int level, double parentX, int parentDepth)
        {
            var index = positions.Count;
            positions.Add((node, 0, level, parentX, parentDepth));
            double x;
            if (node.Invitees.Count == 0)
            {
                x = (next++ * Column) + (Column / 2.0);
            }
            else
            {
                var xs = new List<double>();
                foreach (var child in node.Invitees)
                {
                    xs.Add(Place(child, level + 1, double.NaN, level));
                }

                x = (xs.Min() + xs.Max()) / 2;
            }

            positions[index] = (node, x, level, parentX, parentDepth);
            for (var i = index + 1; i < positions.Count; i++)
            {
                if (positions[i].ParentDepth == level && double.IsNaN(positions[i].ParentX) && positions[i].Depth == level + 1)
                {
                    positions[i] = positions[i] with { ParentX = x };
                }
            }

            return x;
        }

        static int Y(int depth) => (depth * Row) + 22;
    }
}
