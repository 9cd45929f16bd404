import { Line, LineChart, ResponsiveContainer, Tooltip } from 'recharts';

/** A small line of values over days (a segment's size trend), no axes. */
export const Sparkline = ({ points, label }: { points: { date: string; value: number }[]; label: string }) =>
  points.length < 2 ? null : (
    <div style={{ width: 120, height: 32 }} aria-label={label} role="img">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points}>
          <Tooltip labelFormatter={(_, payload) => String(payload?.[0]?.payload?.date ?? '')} />
          <Line type="monotone" dataKey="value" stroke="#4945ff" strokeWidth={2} dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
