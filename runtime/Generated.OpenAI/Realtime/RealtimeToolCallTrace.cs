using System;
using System.Diagnostics;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// The activity of one function-tool call (<c>execute_tool {name}</c>, a child of its response's activity), taken on
/// the receive loop and started where the handler runs, so that the handler's own activities nest under it. Empty
/// (nothing started) when no listener samples the realtime source.
/// </summary>
internal readonly struct RealtimeToolCallTrace(string? name, string? callId, ActivityContext parent)
{
    /// <summary>Starts the activity (it becomes <see cref="Activity.Current"/> for the handler), or returns <see langword="null"/>.</summary>
    public Activity? Start()
    {
        if (name is null || !RealtimeInstruments.Source.HasListeners())
        {
            return null;
        }

        Activity? activity = RealtimeInstruments.Source.StartActivity(RealtimeInstruments.ExecuteToolOperation + " " + name, ActivityKind.Internal, parent);
        activity?.SetTag(RealtimeInstruments.OperationName, RealtimeInstruments.ExecuteToolOperation);
        activity?.SetTag(RealtimeInstruments.ProviderName, RealtimeInstruments.OpenAI);
        activity?.SetTag(RealtimeInstruments.ToolName, name);
        activity?.SetTag(RealtimeInstruments.ToolCallId, callId);
        activity?.SetTag(RealtimeInstruments.ToolType, "function");
        return activity;
    }

    /// <summary>The handler threw: the activity says so with the exception's type (the message stays out: it may hold anything).</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error);
            activity.SetTag(RealtimeInstruments.ErrorType, exception.GetType().FullName);
        }
    }
}
