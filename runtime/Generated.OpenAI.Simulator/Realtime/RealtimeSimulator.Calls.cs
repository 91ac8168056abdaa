using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// SIP calls: a simulated incoming call announced by a signed <c>realtime.call.incoming</c> webhook, the four
/// call-control endpoints (<c>POST /v1/realtime/calls/{call_id}/accept|reject|refer|hangup</c>) with state per call,
/// and the sideband WebSocket (<c>/v1/realtime?call_id=…</c>), allowed only for an accepted call.
/// </summary>
/// <remarks>
/// Errors: an unknown call id, or a sideband for a call that is not accepted, answers <c>404</c> with code
/// <c>call_id_not_found</c> ("No session found for the provided call_id", as the API answers a sideband for a call it
/// does not know); an action in the wrong state (accepting twice, referring a ringing call) answers <c>400</c> with
/// code <c>invalid_call_state</c> (the simulator's choice: the API's code for that case is not documented).
/// </remarks>
public sealed partial class RealtimeSimulator
{
    private const string CallsPath = "/v1/realtime/calls/";

    private readonly ConcurrentDictionary<string, SimulatedCall> _calls = new(StringComparer.Ordinal);

    /// <summary>Calls started so far, by call id.</summary>
    public IReadOnlyDictionary<string, SimulatedCall> Calls => _calls;

    /// <summary>
    /// Starts a simulated incoming SIP call and returns its <c>realtime.call.incoming</c> webhook, signed with
    /// <paramref name="webhookSecret"/> (<c>whsec_</c> + base64) and timestamped now. The call rings until accepted or rejected.
    /// </summary>
    /// <param name="webhookSecret">The webhook endpoint's secret.</param>
    /// <param name="from">The caller (the <c>From</c> SIP header).</param>
    /// <param name="to">The number dialled (the <c>To</c> SIP header).</param>
    public SignedWebhook StartIncomingCall(string webhookSecret, string from = "sip:+14155550100@sip.example.com", string to = "sip:+18005550199@sip.example.com")
    {
        ArgumentException.ThrowIfNullOrEmpty(webhookSecret);
        string callId = "rtc_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var call = new SimulatedCall(callId,
        [
            new("From", from),
            new("To", to),
            new("Call-ID", Guid.NewGuid().ToString()),
        ]);
        _calls[callId] = call;

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "event");
            writer.WriteString("id", NextId("evt_"));
            writer.WriteString("type", "realtime.call.incoming");
            writer.WriteNumber("created_at", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            writer.WriteStartObject("data");
            writer.WriteString("call_id", callId);
            writer.WriteStartArray("sip_headers");
            foreach ((string name, string value) in call.SipHeaders)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteString("value", value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        byte[] body = buffer.WrittenSpan.ToArray();
        string webhookId = NextId("wh_");
        string timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new SignedWebhook(webhookId, timestamp, Sign(webhookSecret, webhookId, timestamp, body), body);
    }

    /// <summary>
    /// Starts a simulated incoming call (<see cref="StartIncomingCall"/>) and posts its webhook to
    /// <paramref name="webhookUrl"/>, as OpenAI does. Returns the call and the status code the app answered.
    /// </summary>
    public async Task<(SimulatedCall Call, int StatusCode)> DeliverIncomingCallAsync(Uri webhookUrl, string webhookSecret, HttpClient? httpClient = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookUrl);
        SignedWebhook webhook = StartIncomingCall(webhookSecret);
        using var content = new ByteArrayContent(webhook.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, webhookUrl) { Content = content };
        foreach ((string name, string value) in webhook.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.UserAgent.ParseAdd("OpenAI/1.0");
        HttpClient client = httpClient ?? new HttpClient();
        try
        {
            using HttpResponseMessage response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            string callId = JsonDocument.Parse(webhook.Body).RootElement.GetProperty("data").GetProperty("call_id").GetString()!;
            return (_calls[callId], (int)response.StatusCode);
        }
        finally
        {
            if (httpClient is null)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Whether a path is one of the call-control endpoints: <c>/v1/realtime/calls/{call_id}/{action}</c>.</summary>
    internal static bool IsCallControlPath(string? path)
        => path is not null && path.StartsWith(CallsPath, StringComparison.Ordinal) && path.AsSpan(CallsPath.Length).TrimEnd('/').Contains('/');

    /// <summary>Standard Webhooks: <c>v1,</c> + base64 of HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>, keyed with the decoded secret.</summary>
    private static string Sign(string secret, string webhookId, string timestamp, byte[] body)
    {
        byte[] key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        byte[] prefix = Encoding.UTF8.GetBytes(webhookId + "." + timestamp + ".");
        byte[] signed = [.. prefix, .. body];
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>Answers <c>POST /v1/realtime/calls/{call_id}/{action}</c>.</summary>
    private async Task HandleCallRequestAsync(HttpContext context, string path)
    {
        HttpRequest request = context.Request;
        string[] segments = path[CallsPath.Length..].Split('/');
        if (segments.Length != 2 || !HttpMethods.IsPost(request.Method) || segments[1] is not ("accept" or "reject" or "refer" or "hangup"))
        {
            await RestSimulator.WriteErrorAsync(context, 404, $"Invalid URL ({request.Method} {request.Path})", "invalid_request_error", null, "unknown_url").ConfigureAwait(false);
            return;
        }

        string authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= 7)
        {
            await RestSimulator.WriteErrorAsync(context, 401, "Missing bearer authentication in header", "invalid_request_error", null, "invalid_api_key").ConfigureAwait(false);
            return;
        }

        if (!_calls.TryGetValue(Uri.UnescapeDataString(segments[0]), out SimulatedCall? call))
        {
            await WriteCallNotFoundAsync(context).ConfigureAwait(false);
            return;
        }

        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        JsonElement json;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body.ToArray());
            json = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            await RestSimulator.WriteErrorAsync(context, 400, $"We could not parse the JSON body of your request. {exception.Message}", "invalid_request_error", null, null).ConfigureAwait(false);
            return;
        }

        string action = segments[1];
        (bool moved, string? problem, string? param) = action switch
        {
            "accept" when json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String
                => (false, "Missing required parameter: 'type'.", "type"),
            "accept" when json.GetProperty("type").GetString() != "realtime"
                => (false, $"Invalid value: '{json.GetProperty("type").GetString()}'. Supported values are: 'realtime'.", "type"),
            "accept" => (call.TryMove(SimulatedCallState.Ringing, SimulatedCallState.Accepted, () => call.RecordAccept(json.GetRawText(), json.TryGetProperty("model", out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null)), null, null),
            "reject" when json.ValueKind != JsonValueKind.Object || (json.TryGetProperty("status_code", out JsonElement code) && !code.TryGetInt32(out _))
                => (false, "Invalid 'status_code': expected an integer.", "status_code"),
            "reject" => (call.TryMove(SimulatedCallState.Ringing, SimulatedCallState.Rejected, () => call.RecordReject(json.TryGetProperty("status_code", out JsonElement c) ? c.GetInt32() : 603)), null, null),
            "refer" when json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("target_uri", out JsonElement target) || target.ValueKind != JsonValueKind.String
                => (false, "Missing required parameter: 'target_uri'.", "target_uri"),
            "refer" => (call.TryMove(SimulatedCallState.Accepted, SimulatedCallState.Referred, () => call.RecordRefer(json.GetProperty("target_uri").GetString()!)), null, null),
            _ => (call.TryMove(SimulatedCallState.Accepted, SimulatedCallState.Ended) || call.TryMove(SimulatedCallState.Ringing, SimulatedCallState.Ended), null, null),
        };

        if (problem is not null)
        {
            await RestSimulator.WriteErrorAsync(context, 400, problem, "invalid_request_error", param, param is "type" or "target_uri" ? "missing_required_parameter" : "invalid_value").ConfigureAwait(false);
            return;
        }

        if (!moved)
        {
            if (call.State is SimulatedCallState.Ended or SimulatedCallState.Rejected or SimulatedCallState.Referred)
            {
                await WriteCallNotFoundAsync(context).ConfigureAwait(false);
                return;
            }

            string done = action switch { "accept" => "accepted", "reject" => "rejected", "refer" => "referred", _ => "hung up" };
            await RestSimulator.WriteErrorAsync(context, 400, $"The call cannot be {done}: it is {call.State.ToString().ToLowerInvariant()}.", "invalid_request_error", "call_id", "invalid_call_state").ConfigureAwait(false);
            return;
        }

        if (action is "hangup" or "refer")
        {
            await call.CloseSidebandsAsync(action == "hangup" ? "call ended" : "call transferred", context.RequestAborted).ConfigureAwait(false);
        }

        context.Response.StatusCode = 200;
    }

    /// <summary>The call a sideband upgrade names, when it is accepted; otherwise answers 404 and returns null.</summary>
    private async Task<SimulatedCall?> FindCallForSidebandAsync(HttpContext context, string callId)
    {
        if (_calls.TryGetValue(callId, out SimulatedCall? call) && call.State == SimulatedCallState.Accepted)
        {
            return call;
        }

        await WriteCallNotFoundAsync(context).ConfigureAwait(false);
        return null;
    }

    private static Task WriteCallNotFoundAsync(HttpContext context)
        => RestSimulator.WriteErrorAsync(context, 404, "No session found for the provided call_id.", "invalid_request_error", "call_id", "call_id_not_found");
}
