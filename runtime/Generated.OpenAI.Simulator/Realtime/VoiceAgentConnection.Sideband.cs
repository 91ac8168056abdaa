using System.Text.Json;

namespace Generated.OpenAI.Simulator;

internal sealed partial class VoiceAgentConnection
{
    /// <summary>A sideband session starts from the session its call was accepted with.</summary>
    internal void ApplyAcceptedSession(string sessionJson)
    {
        using JsonDocument accepted = JsonDocument.Parse(sessionJson);
        Merge(Session, accepted.RootElement);
    }
}
