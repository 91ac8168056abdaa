using System;
using System.Collections.Generic;
using System.Diagnostics;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Realtime;

// Responses and tool calls: an activity and a clock per response (response.created to response.done), its duration
// and token usage, and the parent of each tool call's activity. Called on the receive loop only.
internal sealed partial class RealtimeSessionTelemetry
{
    /// <summary>Responses whose <c>response.done</c> has not come yet are forgotten past this many.</summary>
    private const int MaxOpenResponses = 64;

    private readonly Dictionary<string, (Activity? Activity, long Started)> _responses = new(StringComparer.Ordinal);

    /// <summary><c>response.created</c>: the response activity (a child of the session's) and its clock start.</summary>
    public void ResponseCreated(string? responseId, string? conversationId)
    {
        if (responseId is null || (!RealtimeInstruments.OperationDuration.Enabled && !RealtimeInstruments.Source.HasListeners()))
        {
            return;
        }

        if (_responses.Count >= MaxOpenResponses)
        {
            _responses.Clear(); // responses whose response.done never came
        }

        Activity? activity = null;
        if (RealtimeInstruments.Source.HasListeners())
        {
            Activity? previous = Activity.Current;
            activity = RealtimeInstruments.Source.StartActivity(
                _model is null ? RealtimeInstruments.ChatOperation : RealtimeInstruments.ChatOperation + " " + _model,
                ActivityKind.Client,
                _activity?.Context ?? default,
                _chatTags);
            Activity.Current = previous; // the receive loop goes on under the session, not under this response
            activity?.SetTag(RealtimeInstruments.ResponseId, responseId);
            activity?.SetTag(RealtimeInstruments.ConversationId, conversationId);
        }

        _responses[responseId] = (activity, Stopwatch.GetTimestamp());
    }

    /// <summary><c>response.done</c>: its duration, its token usage, and the end of its activity.</summary>
    public void ResponseDone(RealtimeResponse response)
    {
        string? errorType = response.Status == RealtimeResponseStatus.Failed
            ? response.StatusDetails?.Error?.Code ?? response.StatusDetails?.Error?.Type ?? "failed"
            : null;
        if (response.Usage is { } usage && RealtimeInstruments.TokenUsage.Enabled)
        {
            if (usage.InputTokens is long input)
            {
                TagList tags = With(_chatTags, RealtimeInstruments.TokenType, RealtimeInstruments.Input);
                RealtimeInstruments.TokenUsage.Record(input, tags);
            }

            if (usage.OutputTokens is long output)
            {
                TagList tags = With(_chatTags, RealtimeInstruments.TokenType, RealtimeInstruments.Output);
                RealtimeInstruments.TokenUsage.Record(output, tags);
            }
        }

        if (response.Id is null || !_responses.Remove(response.Id, out (Activity? Activity, long Started) open))
        {
            return;
        }

        if (RealtimeInstruments.OperationDuration.Enabled)
        {
            TagList tags = _chatTags;
            if (errorType is not null)
            {
                tags.Add(RealtimeInstruments.ErrorType, errorType);
            }

            RealtimeInstruments.OperationDuration.Record(Stopwatch.GetElapsedTime(open.Started).TotalSeconds, tags);
        }

        if (open.Activity is { } activity)
        {
            if (response.Status is { } status)
            {
                activity.SetTag(RealtimeInstruments.ResponseFinishReasons, new[] { status.ToJsonString() });
            }

            if (response.Usage is { } used)
            {
                activity.SetTag(RealtimeInstruments.UsageInputTokens, used.InputTokens);
                activity.SetTag(RealtimeInstruments.UsageOutputTokens, used.OutputTokens);
            }

            if (errorType is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error);
                activity.SetTag(RealtimeInstruments.ErrorType, errorType);
            }

            activity.Dispose();
        }
    }

    /// <summary>
    /// The activity of a function-tool call, to start where its handler runs: a child of its response's activity
    /// while that is open, else of the session's. Called on the receive loop.
    /// </summary>
    public RealtimeToolCallTrace TraceToolCall(string name, string callId, string responseId)
    {
        if (!RealtimeInstruments.Source.HasListeners())
        {
            return default;
        }

        ActivityContext parent = _responses.TryGetValue(responseId, out (Activity? Activity, long Started) open) && open.Activity is { } activity
            ? activity.Context
            : _activity?.Context ?? default;
        return new RealtimeToolCallTrace(name, callId, parent);
    }
}
