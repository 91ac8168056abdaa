using System.Collections.Generic;

namespace Generated.OpenAI.SpecTool.Overlays;

/// <summary>What one action did: how many nodes its target matched and how many it changed.</summary>
internal sealed record OverlayActionResult(OverlayAction Action, int Matched, int Changed);

/// <summary>What an overlay did to a document.</summary>
internal sealed record OverlayResult(Overlay Overlay, IReadOnlyList<OverlayActionResult> Actions)
{
    public int NodesChanged
    {
        get
        {
            int n = 0;
            foreach (var a in Actions) { n += a.Changed; }
            return n;
        }
    }
}
