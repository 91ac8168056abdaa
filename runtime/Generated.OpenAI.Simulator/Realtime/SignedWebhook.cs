using System.Collections.Generic;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// A webhook request as OpenAI sends it (Standard Webhooks): the JSON body and the three signature headers, signed
/// with the endpoint secret. Deliver it yourself, or let <see cref="RealtimeSimulator.DeliverIncomingCallAsync"/> post it.
/// </summary>
/// <param name="WebhookId">The <c>webhook-id</c> header.</param>
/// <param name="Timestamp">The <c>webhook-timestamp</c> header (Unix seconds).</param>
/// <param name="Signature">The <c>webhook-signature</c> header (<c>v1,&lt;base64&gt;</c>).</param>
/// <param name="Body">The JSON body, exactly as signed.</param>
public sealed record SignedWebhook(string WebhookId, string Timestamp, string Signature, byte[] Body)
{
    /// <summary>The three headers by name: <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; } = new Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase)
    {
        ["webhook-id"] = WebhookId,
        ["webhook-timestamp"] = Timestamp,
        ["webhook-signature"] = Signature,
    };
}
