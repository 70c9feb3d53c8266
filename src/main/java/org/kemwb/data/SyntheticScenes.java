package org.kemwb.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Procedural 3D scenes ray-cast per pixel: a textured floor and back wall, and several
 * spheres, boxes and cylinders under a directional light with sensor noise. Every label is
 * exact: the class and part of the first surface hit, its distance along the optical axis
 * (metres), its unit normal in camera space, edges where the object id changes, saliency for
 * the objects. Same (seed, index, size), same bytes.
 */
public final class SyntheticScenes {
    public static final String[] CLASSES = {"floor", "wall", "sphere", "box", "cylinder", "pillar"};
    public static final String[] PARTS = {"top face", "side face", "upper half", "lower half", "cylinder side"};
    static final int FLOOR = 0;
    static final int WALL = 1;
    static final int SPHERE = 2;
    static final int BOX = 3;
    static final int CYLINDER = 4;
    static final int PILLAR = 5;
    static final double FLOOR_Y = -1.0;
    static final double WALL_Z = 9.0;
    static final double FOCAL = 1.1;

    private final long seed;

    public SyntheticScenes(long seed) {
        this.seed = seed;
    }

    private record Shape3(int kind, double cx, double cy, double cz, double sx, double sy, double sz, float[] color) {}

    private record Hit(double t, int cls, int part, int id, double nx, double ny, double nz, float[] color) {}

    public Sample render(int index, int size) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        List<Shape3> shapes = new ArrayList<>();
        int count = 3 + rnd.nextInt(4);
        for (int i = 0; i < count; i++) {
            int kind = SPHERE + rnd.nextInt(4);
            double x = rnd.nextDouble(-2.2, 2.2);
            double z = rnd.nextDouble(3.0, 7.5);
            float[] color = hsv(rnd.nextDouble(), 0.55 + 0.4 * rnd.nextDouble(), 0.75 + 0.25 * rnd.nextDouble());
            double s = rnd.nextDouble(0.35, 0.8);
            shapes.add(switch (kind) {
                case SPHERE -> new Shape3(kind, x, FLOOR_Y + s, z, s, s, s, color);
                case BOX -> new Shape3(kind, x, FLOOR_Y + s * 0.8, z, s, s * 0.8, s * rnd.nextDouble(0.6, 1.2), color);
                case CYLINDER -> new Shape3(kind, x, FLOOR_Y + s * 0.9, z, s * 0.7, s * 0.9, s * 0.7, color);
                default -> new Shape3(kind, x, FLOOR_Y + 1.1, z, 0.25, 1.1, 0.25, color);
            });
        }
        double lx = rnd.nextDouble(-0.6, 0.6);
        double ly = 0.8;
        double lz = -rnd.nextDouble(0.2, 0.7);
        double ln = Math.sqrt(lx * lx + ly * ly + lz * lz);
        lx /= ln;
        ly /= ln;
        lz /= ln;
        float[] floorColor = hsv(rnd.nextDouble(), 0.25, 0.7);
        float[] wallColor = hsv(rnd.nextDouble(), 0.15, 0.85);
        double camY = rnd.nextDouble(0.0, 0.6);
        double tilt = -rnd.nextDouble(0.05, 0.25);

        int n = size * size;
        float[] rgb = new float[3 * n];
        int[] semseg = new int[n];
        float[] depth = new float[n];
        float[] normals = new float[3 * n];
        int[] ids = new int[n];
        byte[] saliency = new byte[n];
        int[] parts = new int[n];
        double ct = Math.cos(tilt);
        double st = Math.sin(tilt);
        for (int py = 0; py < size; py++) {
            for (int px = 0; px < size; px++) {
                double u = (px + 0.5) / size * 2 - 1;
                double v = 1 - (py + 0.5) / size * 2;
                // camera ray, pitched down by tilt
                double dx = u / FOCAL;
                double dy0 = v / FOCAL;
                double dz0 = 1;
                double dy = dy0 * ct + dz0 * st;
                double dz = -dy0 * st + dz0 * ct;
                Hit hit = trace(shapes, 0, camY, 0, dx, dy, dz, floorColor, wallColor);
                int p = py * size + px;
                // depth along the optical axis of the (tilted) camera
                double hx = dx * hit.t;
                double hy = camY + dy * hit.t;
                double hz = dz * hit.t;
                double axial = (hy - camY) * -st + hz * ct;
                depth[p] = (float) axial;
                semseg[p] = hit.cls;
                parts[p] = hit.part;
                ids[p] = hit.id;
                saliency[p] = (byte) (hit.cls >= SPHERE ? 1 : 0);
                // normals in camera coordinates (x right, y up, z forward)
                double cnx = hit.nx;
                double cny = hit.ny * ct - hit.nz * st;
                double cnz = hit.ny * st + hit.nz * ct;
                normals[p] = (float) cnx;
                normals[n + p] = (float) cny;
                normals[2 * n + p] = (float) cnz;
                double shade = 0.3 + 0.7 * Math.max(0, hit.nx * lx + hit.ny * ly + hit.nz * lz);
                if (shade > 0.3 && shadowed(shapes, hx, hy, hz, lx, ly, lz, hit.id)) {
                    shade = 0.3 + 0.15 * (shade - 0.3);
                }
                double texture = texture(hit, hx, hy, hz);
                for (int c = 0; c < 3; c++) {
                    double value = hit.color[c] * shade * texture + 0.02 * gaussian(rnd);
                    rgb[c * n + p] = (float) Math.min(1, Math.max(0, value));
                }
            }
        }
        byte[] edges = new byte[n];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = y * size + x;
                boolean edge = (x + 1 < size && ids[p + 1] != ids[p]) || (y + 1 < size && ids[p + size] != ids[p])
                        || (x > 0 && ids[p - 1] != ids[p]) || (y > 0 && ids[p - size] != ids[p]);
                edges[p] = (byte) (edge ? 1 : 0);
            }
        }
        return new Sample(size, rgb, semseg, depth, normals, edges, saliency, parts);
    }

    private static double texture(Hit hit, double x, double y, double z) {
        if (hit.cls == FLOOR) {
            return ((int) Math.floor(x * 1.5) + (int) Math.floor(z * 1.5)) % 2 == 0 ? 1.0 : 0.82;
        }
        if (hit.cls == WALL) {
            return 0.9 + 0.1 * Math.sin(x * 6);
        }
        return 1.0;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = Math.max(1e-12, rnd.nextDouble());
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    private static boolean shadowed(List<Shape3> shapes, double x, double y, double z, double lx, double ly, double lz, int selfId) {
        for (int i = 0; i < shapes.size(); i++) {
            if (i + 2 == selfId) {
                continue;
            }
            Hit h = intersect(shapes.get(i), i + 2, x, y, z, lx, ly, lz);
            if (h != null && h.t > 1e-4) {
                return true;
            }
        }
        return false;
    }

    private static Hit trace(List<Shape3> shapes, double ox, double oy, double oz, double dx, double dy, double dz,
            float[] floorColor, float[] wallColor) {
        Hit best = null;
        if (dy < 0) {
            double t = (FLOOR_Y - oy) / dy;
            best = new Hit(t, FLOOR, 255, 0, 0, 1, 0, floorColor);
        }
        double tw = (WALL_Z - oz) / dz;
        if (best == null || tw < best.t) {
            best = new Hit(tw, WALL, 255, 1, 0, 0, -1, wallColor);
        }
        for (int i = 0; i < shapes.size(); i++) {
            Hit h = intersect(shapes.get(i), i + 2, ox, oy, oz, dx, dy, dz);
            if (h != null && h.t > 1e-6 && h.t < best.t) {
                best = h;
            }
        }
        return best;
    }

    private static Hit intersect(Shape3 s, int id, double ox, double oy, double oz, double dx, double dy, double dz) {
        return switch (s.kind) {
            case SPHERE -> sphere(s, id, ox, oy, oz, dx, dy, dz);
            case CYLINDER -> cylinder(s, id, ox, oy, oz, dx, dy, dz);
            default -> box(s, id, ox, oy, oz, dx, dy, dz);
        };
    }

    private static Hit sphere(Shape3 s, int id, double ox, double oy, double oz, double dx, double dy, double dz) {
        double px = ox - s.cx;
        double py = oy - s.cy;
        double pz = oz - s.cz;
        double a = dx * dx + dy * dy + dz * dz;
        double b = 2 * (px * dx + py * dy + pz * dz);
        double c = px * px + py * py + pz * pz - s.sx * s.sx;
        double disc = b * b - 4 * a * c;
        if (disc < 0) {
            return null;
        }
        double t = (-b - Math.sqrt(disc)) / (2 * a);
        if (t <= 1e-6) {
            return null;
        }
        double nx = (px + t * dx) / s.sx;
        double ny = (py + t * dy) / s.sx;
        double nz = (pz + t * dz) / s.sx;
        return new Hit(t, SPHERE, ny >= 0 ? 2 : 3, id, nx, ny, nz, s.color);
    }

    private static Hit box(Shape3 s, int id, double ox, double oy, double oz, double dx, double dy, double dz) {
        double[] o = {ox - s.cx, oy - s.cy, oz - s.cz};
        double[] d = {dx, dy, dz};
        double[] half = {s.sx, s.sy, s.sz};
        double tNear = -Double.MAX_VALUE;
        double tFar = Double.MAX_VALUE;
        int axis = -1;
        double sign = 0;
        for (int k = 0; k < 3; k++) {
            if (Math.abs(d[k]) < 1e-12) {
                if (Math.abs(o[k]) > half[k]) {
                    return null;
                }
                continue;
            }
            double t1 = (-half[k] - o[k]) / d[k];
            double t2 = (half[k] - o[k]) / d[k];
            double sgn = -1;
            if (t1 > t2) {
                double tmp = t1;
                t1 = t2;
                t2 = tmp;
                sgn = 1;
            }
            if (t1 > tNear) {
                tNear = t1;
                axis = k;
                sign = sgn;
            }
            tFar = Math.min(tFar, t2);
        }
        if (tNear > tFar || tNear <= 1e-6 || axis < 0) {
            return null;
        }
        double[] nrm = new double[3];
        nrm[axis] = sign;
        int cls = s.kind == PILLAR ? PILLAR : BOX;
        return new Hit(tNear, cls, axis == 1 && sign > 0 ? 0 : 1, id, nrm[0], nrm[1], nrm[2], s.color);
    }

    private static Hit cylinder(Shape3 s, int id, double ox, double oy, double oz, double dx, double dy, double dz) {
        double px = ox - s.cx;
        double pz = oz - s.cz;
        double py = oy - s.cy;
        double r = s.sx;
        Hit best = null;
        double a = dx * dx + dz * dz;
        double b = 2 * (px * dx + pz * dz);
        double c = px * px + pz * pz - r * r;
        double disc = b * b - 4 * a * c;
        if (a > 1e-12 && disc >= 0) {
            double t = (-b - Math.sqrt(disc)) / (2 * a);
            double y = py + t * dy;
            if (t > 1e-6 && Math.abs(y) <= s.sy) {
                best = new Hit(t, CYLINDER, 4, id, (px + t * dx) / r, 0, (pz + t * dz) / r, s.color);
            }
        }
        if (Math.abs(dy) > 1e-12) {
            double t = (s.sy - py) / dy;
            double x = px + t * dx;
            double z = pz + t * dz;
            if (t > 1e-6 && x * x + z * z <= r * r && (best == null || t < best.t)) {
                best = new Hit(t, CYLINDER, 0, id, 0, 1, 0, s.color);
            }
        }
        return best;
    }

    static float[] hsv(double h, double s, double v) {
        double r = Math.abs(h * 6 - 3) - 1;
        double g = 2 - Math.abs(h * 6 - 2);
        double b = 2 - Math.abs(h * 6 - 4);
        return new float[] {
            (float) (v * (1 - s + s * clamp(r))), (float) (v * (1 - s + s * clamp(g))), (float) (v * (1 - s + s * clamp(b)))
        };
    }

    private static double clamp(double x) {
        return Math.max(0, Math.min(1, x));
    }
}
