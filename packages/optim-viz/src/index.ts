export { type ContourFigure, type ContourOptions, type ContourUpdate, contourFigure } from './contour-figure.js';
export type { Figure, FigureOptions } from './figure.js';
export {
  type JacobianHeatmap,
  type JacobianOptions,
  type JacobianUpdate,
  jacobianHeatmap,
} from './jacobian-heatmap.js';
export { type LossCurves, type LossCurvesOptions, type LossCurvesUpdate, lossCurves, type YScale } from './loss-curves.js';
export { loadPlotly, type Plotly } from './plotly.js';
export { adoptPlotlyStyles } from './shadow-styles.js';
export { type SurfaceFigure, type SurfaceOptions, type SurfaceUpdate, surfaceFigure } from './surface-figure.js';
export { readTheme, type Theme } from './theme.js';
export type { DataPoint, Grid, Jacobian, Trajectory, TrajectoryChunk, ZScale } from './types.js';
