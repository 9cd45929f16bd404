import { PuzzlePiece } from '@strapi/icons';

export const PluginIcon = () => <PuzzlePiece />;
