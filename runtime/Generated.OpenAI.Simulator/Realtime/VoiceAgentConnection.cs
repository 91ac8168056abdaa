using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// <c>/v1/realtime?model=…</c>: a voice agent that echoes the committed user audio back (or a 440 Hz tone when
/// there is none) with a deterministic transcript, calls registered functions, and honours cancel, clear and truncate.
/// </summary>
internal sealed partial class VoiceAgentConnection : ConversationConnection
{
    private const string Supported = "'session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit', 'input_audio_buffer.clear', "
        + "'conversation.item.create', 'conversation.item.retrieve', 'conversation.item.truncate', 'conversation.item.delete', "
        + "'response.create', 'response.cancel' and 'output_audio_buffer.clear'";

    private readonly string _conversationId;
    private ActiveResponse? _active;
    private string? _lastResponseId;

    public VoiceAgentConnection(RealtimeSimulator simulator, HttpContext context, Stream transport, WebSocket socket, RealtimeHandshake handshake, RealtimeFault fault, int faultAfter)
        : base(simulator, context, transport, socket, handshake, fault, faultAfter)
    {
        _conversationId = simulator.NextId("conv_");
        Session = new JsonObject
        {
            ["type"] = "realtime",
            ["object"] = "realtime.session",
            ["id"] = simulator.NextId("sess_"),
            ["model"] = handshake.Model,
            ["output_modalities"] = new JsonArray("audio"),
            ["instructions"] = "You are the Generated.OpenAI realtime simulator.",
            ["tools"] = new JsonArray(),
            ["tool_choice"] = "auto",
            ["max_output_tokens"] = "inf",
            ["tracing"] = null,
            ["prompt"] = null,
            ["expires_at"] = ExpiresAt(),
            ["audio"] = new JsonObject
            {
                ["input"] = new JsonObject
                {
                    ["format"] = AudioFormat(),
                    ["transcription"] = null,
                    ["noise_reduction"] = null,
                    ["turn_detection"] = new JsonObject
                    {
                        ["type"] = "server_vad",
                        ["threshold"] = 0.5,
                        ["prefix_padding_ms"] = 300,
                        ["silence_duration_ms"] = 200,
                        ["idle_timeout_ms"] = null,
                        ["create_response"] = true,
                        ["interrupt_response"] = true,
                    },
                },
                ["output"] = new JsonObject
                {
                    ["format"] = AudioFormat(),
                    ["voice"] = "marin",
                    ["speed"] = 1,
                },
            },
            ["include"] = null,
        };
    }

    protected override string SessionType => "realtime";

    private sealed class ActiveResponse(string id, CancellationTokenSource cancel)
    {
        public string Id { get; } = id;

        public CancellationTokenSource Cancel { get; } = cancel;

        public Task Task { get; set; } = Task.CompletedTask;
    }

    protected override async Task OnEventAsync(JsonElement root, string type, string? eventId, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case "session.update":
                await HandleSessionUpdateAsync(root, eventId, cancellationToken).ConfigureAwait(false);
                await ListMcpToolsAsync(cancellationToken).ConfigureAwait(false);
                break;
            case "input_audio_buffer.append":
                await HandleAppendAsync(raw, eventId, cancellationToken).ConfigureAwait(false);
                break;
            case "input_audio_buffer.clear":
                await HandleClearAsync(cancellationToken).ConfigureAwait(false);
                break;
            case "input_audio_buffer.commit":
                await CommitAsync(eventId, cancellationToken).ConfigureAwait(false);
                break;
            case "conversation.item.create":
                await CreateItemAsync(root, eventId, cancellationToken).ConfigureAwait(false);
                break;
            case "conversation.item.retrieve":
            case "conversation.item.delete":
            case "conversation.item.truncate":
                await ItemOperationAsync(root, type, eventId, cancellationToken).ConfigureAwait(false);
                break;
            case "response.create":
                await CreateResponseAsync(root.TryGetProperty("response", out JsonElement r) && r.ValueKind == JsonValueKind.Object ? r : null, eventId, cancellationToken).ConfigureAwait(false);
                break;
            case "response.cancel":
                await CancelResponseAsync(eventId, cancellationToken).ConfigureAwait(false);
                break;
            case "output_audio_buffer.clear":
                string? responseId = _active?.Id ?? _lastResponseId;
                await SendEventAsync("output_audio_buffer.cleared", writer => writer.WriteString("response_id", responseId), cancellationToken).ConfigureAwait(false);
                break;
            default:
                await SendUnsupportedTypeAsync(type, eventId, Supported, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    protected override async Task OnClosedAsync()
    {
        if (_active is { } active)
        {
            await active.Cancel.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(string? eventId, CancellationToken cancellationToken)
    {
        string? itemId = await HandleCommitAsync(eventId, cancellationToken).ConfigureAwait(false);
        if (itemId is null)
        {
            return;
        }

        JsonObject item = FindItem(itemId)!;
        string? previous;
        lock (StateLock)
        {
            previous = ItemOrder.Count > 1 ? ItemOrder[^2] : null;
        }

        await SendItemEventAsync("conversation.item.added", previous, item, cancellationToken).ConfigureAwait(false);
        await SendItemEventAsync("conversation.item.done", previous, item, cancellationToken).ConfigureAwait(false);
        if (InputTranscriptionEnabled)
        {
            await SendInputTranscriptionAsync(itemId, LastCommittedAudio!.Length, cancellationToken).ConfigureAwait(false);
        }

        if (Session["audio"]?["input"]?["turn_detection"] is JsonObject vad && vad["create_response"]?.GetValue<bool>() != false)
        {
            await CreateResponseAsync(null, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task SendItemEventAsync(string type, string? previousItemId, JsonObject item, CancellationToken cancellationToken)
        => SendEventAsync(type, writer =>
        {
            writer.WriteString("previous_item_id", previousItemId);
            writer.WritePropertyName("item");
            item.WriteTo(writer);
        }, cancellationToken);

    private async Task CreateItemAsync(JsonElement root, string? eventId, CancellationToken cancellationToken)
    {
        if (!root.TryGetProperty("item", out JsonElement itemElement) || itemElement.ValueKind != JsonValueKind.Object)
        {
            await SendErrorAsync("missing_required_parameter", "Missing required parameter: 'item'.", "item", eventId, cancellationToken).ConfigureAwait(false);
            return;
        }

        var item = (JsonObject)JsonNode.Parse(itemElement.GetRawText())!;
        string? itemType = item["type"]?.GetValue<string>();
        if (itemType is not ("message" or "function_call" or "function_call_output" or "mcp_approval_response"))
        {
            await SendErrorAsync("invalid_value", $"Invalid value: '{itemType}'. Supported values are: 'message', 'function_call', 'function_call_output' and 'mcp_approval_response'.", "item.type", eventId, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (itemType == "function_call_output" && (item["call_id"] is null || item["output"] is null))
        {
            await SendErrorAsync("missing_required_parameter", "Missing required parameter: 'item.call_id' or 'item.output'.", item["call_id"] is null ? "item.call_id" : "item.output", eventId, cancellationToken).ConfigureAwait(false);
            return;
        }

        item["id"] ??= Simulator.NextId("item_");
        item["object"] = "realtime.item";
        item["status"] = "completed";
        string? previous = root.TryGetProperty("previous_item_id", out JsonElement p) && p.ValueKind == JsonValueKind.String ? p.GetString() : LastItemId;
        AddItem(item);
        await SendItemEventAsync("conversation.item.added", previous, item, cancellationToken).ConfigureAwait(false);
        await SendItemEventAsync("conversation.item.done", previous, item, cancellationToken).ConfigureAwait(false);
        if (itemType == "mcp_approval_response")
        {
            await AnswerMcpApprovalAsync(item, eventId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ItemOperationAsync(JsonElement root, string type, string? eventId, CancellationToken cancellationToken)
    {
        string? itemId = root.TryGetProperty("item_id", out JsonElement id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        if (itemId is null || FindItem(itemId) is not { } item)
        {
            string code = type switch
            {
                "conversation.item.truncate" => "item_truncate_invalid_item_id",
                "conversation.item.delete" => "item_delete_invalid_item_id",
                _ => "item_retrieve_invalid_item_id",
            };
            await SendErrorAsync(code, $"Item with item_id not found: {itemId}", "item_id", eventId, cancellationToken).ConfigureAwait(false);
            return;
        }

        switch (type)
        {
            case "conversation.item.retrieve":
                await SendEventAsync("conversation.item.retrieved", writer =>
                {
                    writer.WritePropertyName("item");
                    item.WriteTo(writer);
                }, cancellationToken).ConfigureAwait(false);
                break;
            case "conversation.item.delete":
                RemoveItem(itemId);
                await SendEventAsync("conversation.item.deleted", writer => writer.WriteString("item_id", itemId), cancellationToken).ConfigureAwait(false);
                break;
            default:
                int contentIndex = root.TryGetProperty("content_index", out JsonElement ci) && ci.TryGetInt32(out int c) ? c : 0;
                int audioEndMs = root.TryGetProperty("audio_end_ms", out JsonElement end) && end.TryGetInt32(out int e) ? e : 0;
                await SendEventAsync("conversation.item.truncated", writer =>
                {
                    writer.WriteString("item_id", itemId);
                    writer.WriteNumber("content_index", contentIndex);
                    writer.WriteNumber("audio_end_ms", audioEndMs);
                }, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task CancelResponseAsync(string? eventId, CancellationToken cancellationToken)
    {
        if (_active is not { } active)
        {
            await SendErrorAsync("response_cancel_not_active", "Cancellation failed: no active response found.", null, eventId, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await active.Cancel.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The response finished meanwhile.
        }

        await active.Task.ConfigureAwait(false);
    }

    private async Task CreateResponseAsync(JsonElement? request, string? eventId, CancellationToken cancellationToken)
    {
        if (_active is not null)
        {
            await SendErrorAsync("conversation_already_has_active_response", $"Conversation already has an active response in progress: {_active.Id}. Wait until the response is finished before creating a new one.", null, eventId, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (await TryRunMcpCallAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        JsonArray? modalities = request is { } r1 && r1.TryGetProperty("output_modalities", out JsonElement m) && m.ValueKind == JsonValueKind.Array
            ? (JsonArray)JsonNode.Parse(m.GetRawText())!
            : Session["output_modalities"] as JsonArray;
        bool audio = modalities is null || modalities.Any(x => x?.GetValue<string>() == "audio");
        IEnumerable<string> tools = ToolNames(request is { } r2 && r2.TryGetProperty("tools", out JsonElement t) && t.ValueKind == JsonValueKind.Array
            ? JsonNode.Parse(t.GetRawText()) as JsonArray
            : Session["tools"] as JsonArray);

        Plan plan;
        JsonObject? lastItem = FindItem(LastItemId);
        if (lastItem?["type"]?.GetValue<string>() == "function_call_output")
        {
            string callId = lastItem["call_id"]!.GetValue<string>();
            string name = FindItem(i => i["type"]?.GetValue<string>() == "function_call" && i["call_id"]?.GetValue<string>() == callId)?["name"]?.GetValue<string>() ?? "function";
            plan = new Plan(null, null, SimulatedText.FunctionAnswer(name, lastItem["output"]?.ToString() ?? string.Empty), audio);
        }
        else if (tools.FirstOrDefault(Options.FunctionArguments.ContainsKey) is { } function)
        {
            plan = new Plan(function, Options.FunctionArguments[function], null, audio);
        }
        else
        {
            plan = new Plan(null, null, SimulatedText.Answer(LastCommittedAudio?.Length ?? 0), audio);
        }

        var active = new ActiveResponse(Simulator.NextId("resp_"), CancellationTokenSource.CreateLinkedTokenSource(cancellationToken));
        _active = active;
        _lastResponseId = active.Id;
        if (Options.ResponseChunkDelay <= TimeSpan.Zero)
        {
            await RunResponseAsync(active, plan, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            active.Task = Task.Run(() => RunResponseAsync(active, plan, cancellationToken), CancellationToken.None);
        }
    }

    private static IEnumerable<string> ToolNames(JsonArray? tools)
    {
        if (tools is null)
        {
            yield break;
        }

        foreach (JsonNode? tool in tools)
        {
            if (tool?["type"]?.GetValue<string>() == "function" && tool["name"]?.GetValue<string>() is { } name)
            {
                yield return name;
            }
        }
    }

    private sealed record Plan(string? FunctionName, string? Arguments, string? Transcript, bool Audio);

    private async Task RunResponseAsync(ActiveResponse active, Plan plan, CancellationToken connection)
    {
        string responseId = active.Id;
        string itemId = Simulator.NextId("item_");
        var output = new List<JsonObject>();
        JsonObject item;
        if (plan.FunctionName is { } name)
        {
            item = new JsonObject
            {
                ["id"] = itemId,
                ["object"] = "realtime.item",
                ["type"] = "function_call",
                ["status"] = "in_progress",
                ["name"] = name,
                ["call_id"] = Simulator.NextId("call_"),
                ["arguments"] = string.Empty,
            };
        }
        else
        {
            item = new JsonObject
            {
                ["id"] = itemId,
                ["object"] = "realtime.item",
                ["type"] = "message",
                ["status"] = "in_progress",
                ["role"] = "assistant",
                ["phase"] = "final_answer",
                ["content"] = new JsonArray(),
            };
        }

        CancellationToken token = active.Cancel.Token;
        string? previous = LastItemId;
        try
        {
            await SendResponseEnvelopeAsync("response.created", responseId, "in_progress", null, output, plan.Audio, 0, 0, connection).ConfigureAwait(false);
            await SendEventAsync("response.output_item.added", writer =>
            {
                writer.WriteString("response_id", responseId);
                writer.WriteNumber("output_index", 0);
                writer.WritePropertyName("item");
                item.WriteTo(writer);
            }, token).ConfigureAwait(false);
            output.Add(item);
            AddItem(item);
            await SendItemEventAsync("conversation.item.added", previous, item, token).ConfigureAwait(false);

            if (plan.FunctionName is { } function)
            {
                string arguments = plan.Arguments ?? "{}";
                for (int offset = 0; offset < arguments.Length; offset += 8)
                {
                    string delta = arguments.Substring(offset, Math.Min(8, arguments.Length - offset));
                    await SendEventAsync("response.function_call_arguments.delta", writer =>
                    {
                        writer.WriteString("response_id", responseId);
                        writer.WriteString("item_id", itemId);
                        writer.WriteNumber("output_index", 0);
                        writer.WriteString("call_id", item["call_id"]!.GetValue<string>());
                        writer.WriteString("delta", delta);
                    }, token).ConfigureAwait(false);
                    await PaceAsync(token).ConfigureAwait(false);
                }

                item["arguments"] = arguments;
                item["status"] = "completed";
                await SendEventAsync("response.function_call_arguments.done", writer =>
                {
                    writer.WriteString("response_id", responseId);
                    writer.WriteString("item_id", itemId);
                    writer.WriteNumber("output_index", 0);
                    writer.WriteString("call_id", item["call_id"]!.GetValue<string>());
                    writer.WriteString("name", function);
                    writer.WriteString("arguments", arguments);
                }, token).ConfigureAwait(false);
            }
            else
            {
                await StreamMessageAsync(responseId, item, plan, token).ConfigureAwait(false);
            }

            await SendEventAsync("response.output_item.done", writer =>
            {
                writer.WriteString("response_id", responseId);
                writer.WriteNumber("output_index", 0);
                writer.WritePropertyName("item");
                item.WriteTo(writer);
            }, token).ConfigureAwait(false);
            await SendItemEventAsync("conversation.item.done", previous, item, token).ConfigureAwait(false);
            int outputTokens = plan.Transcript is null ? 8 : SimulatedText.Pieces(plan.Transcript).Count;
            await SendResponseEnvelopeAsync("response.done", responseId, "completed", null, output, plan.Audio, (LastCommittedAudio?.Length ?? 0) / 4800, outputTokens, connection).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (active.Cancel.IsCancellationRequested && !connection.IsCancellationRequested)
        {
            foreach (JsonObject produced in output)
            {
                produced["status"] = "incomplete";
            }

            await SendResponseEnvelopeAsync("response.done", responseId, "cancelled", "client_cancelled", output, plan.Audio, 0, 0, connection).ConfigureAwait(false);
        }
        finally
        {
            _active = null;
            // The source is not disposed here: response.cancel may race with the end of the response.
        }
    }

    private async Task StreamMessageAsync(string responseId, JsonObject item, Plan plan, CancellationToken token)
    {
        string itemId = item["id"]!.GetValue<string>();
        string transcript = plan.Transcript ?? string.Empty;
        string partType = plan.Audio ? "output_audio" : "output_text";
        string textField = plan.Audio ? "transcript" : "text";
        await SendEventAsync("response.content_part.added", writer =>
        {
            WriteLocation(writer, responseId, itemId);
            writer.WriteStartObject("part");
            writer.WriteString("type", partType);
            writer.WriteString(textField, string.Empty);
            writer.WriteEndObject();
        }, token).ConfigureAwait(false);

        IReadOnlyList<string> pieces = SimulatedText.Pieces(transcript);
        byte[] audio = plan.Audio
            ? (plan.FunctionName is null && LastCommittedAudio is { } echo ? echo : SampleAudio.CreateTonePcm16(440, TimeSpan.FromSeconds(1)))
            : [];
        int chunks = (audio.Length + SampleAudio.BytesPer100Milliseconds - 1) / SampleAudio.BytesPer100Milliseconds;
        string deltaType = plan.Audio ? "response.output_audio_transcript.delta" : "response.output_text.delta";
        for (int i = 0; i < Math.Max(chunks, pieces.Count); i++)
        {
            if (i < chunks)
            {
                int offset = i * SampleAudio.BytesPer100Milliseconds;
                int length = Math.Min(SampleAudio.BytesPer100Milliseconds, audio.Length - offset);
                await SendEventAsync("response.output_audio.delta", writer =>
                {
                    WriteLocation(writer, responseId, itemId);
                    writer.WriteBase64String("delta", audio.AsSpan(offset, length));
                }, token).ConfigureAwait(false);
            }

            if (i < pieces.Count)
            {
                string piece = pieces[i];
                await SendEventAsync(deltaType, writer =>
                {
                    WriteLocation(writer, responseId, itemId);
                    writer.WriteString("delta", piece);
                }, token).ConfigureAwait(false);
            }

            if (i == 1)
            {
                await DropIfFaultedMidResponseAsync(token).ConfigureAwait(false);
            }

            await PaceAsync(token).ConfigureAwait(false);
        }

        if (plan.Audio)
        {
            await SendEventAsync("response.output_audio.done", writer => WriteLocation(writer, responseId, itemId), token).ConfigureAwait(false);
            await SendEventAsync("response.output_audio_transcript.done", writer =>
            {
                WriteLocation(writer, responseId, itemId);
                writer.WriteString("transcript", transcript);
            }, token).ConfigureAwait(false);
        }
        else
        {
            await SendEventAsync("response.output_text.done", writer =>
            {
                WriteLocation(writer, responseId, itemId);
                writer.WriteString("text", transcript);
            }, token).ConfigureAwait(false);
        }

        await SendEventAsync("response.content_part.done", writer =>
        {
            WriteLocation(writer, responseId, itemId);
            writer.WriteStartObject("part");
            writer.WriteString("type", partType);
            writer.WriteString(textField, transcript);
            writer.WriteEndObject();
        }, token).ConfigureAwait(false);

        item["status"] = "completed";
        item["content"] = new JsonArray(new JsonObject { ["type"] = partType, [textField] = transcript });
    }

    private static void WriteLocation(Utf8JsonWriter writer, string responseId, string itemId)
    {
        writer.WriteString("response_id", responseId);
        writer.WriteString("item_id", itemId);
        writer.WriteNumber("output_index", 0);
        writer.WriteNumber("content_index", 0);
    }

    private Task PaceAsync(CancellationToken token)
        => Options.ResponseChunkDelay > TimeSpan.Zero ? Task.Delay(Options.ResponseChunkDelay, token) : Task.CompletedTask;

    private Task SendResponseEnvelopeAsync(string type, string responseId, string status, string? reason, List<JsonObject> output, bool audio, int inputTokens, int outputTokens, CancellationToken cancellationToken)
        => SendEventAsync(type, writer =>
        {
            writer.WriteStartObject("response");
            writer.WriteString("object", "realtime.response");
            writer.WriteString("id", responseId);
            writer.WriteString("status", status);
            if (reason is null)
            {
                writer.WriteNull("status_details");
            }
            else
            {
                writer.WriteStartObject("status_details");
                writer.WriteString("type", status);
                writer.WriteString("reason", reason);
                writer.WriteEndObject();
            }

            writer.WriteStartArray("output");
            foreach (JsonObject item in output)
            {
                item.WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteString("conversation_id", _conversationId);
            writer.WriteStartArray("output_modalities");
            writer.WriteStringValue(audio ? "audio" : "text");
            writer.WriteEndArray();
            writer.WriteString("max_output_tokens", "inf");
            writer.WriteStartObject("audio");
            writer.WriteStartObject("output");
            writer.WritePropertyName("format");
            AudioFormat().WriteTo(writer);
            writer.WriteString("voice", Session["audio"]?["output"]?["voice"]?.ToString() ?? "marin");
            writer.WriteEndObject();
            writer.WriteEndObject();
            if (type == "response.done" && status == "completed")
            {
                writer.WriteStartObject("usage");
                writer.WriteNumber("total_tokens", inputTokens + outputTokens);
                writer.WriteNumber("input_tokens", inputTokens);
                writer.WriteNumber("output_tokens", outputTokens);
                writer.WriteStartObject("input_token_details");
                writer.WriteNumber("text_tokens", 0);
                writer.WriteNumber("audio_tokens", inputTokens);
                writer.WriteNumber("image_tokens", 0);
                writer.WriteNumber("cached_tokens", 0);
                writer.WriteEndObject();
                writer.WriteStartObject("output_token_details");
                writer.WriteNumber("text_tokens", audio ? 0 : outputTokens);
                writer.WriteNumber("audio_tokens", audio ? outputTokens : 0);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("usage");
            }

            writer.WriteNull("metadata");
            writer.WriteEndObject();
        }, cancellationToken);
}
